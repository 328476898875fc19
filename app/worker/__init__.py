"""Background worker: consumes Redis Streams, runs task handlers, retries, recovers."""
