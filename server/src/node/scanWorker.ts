// The entry point of the scan's reader thread (see `ReaderThread` in scan.ts).
import { workerData } from 'node:worker_threads';
import { type ReaderThreadData, serveReads } from './scan';

serveReads(workerData as ReaderThreadData);
