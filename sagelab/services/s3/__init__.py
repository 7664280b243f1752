"""Amazon S3: buckets and objects, bytes in the blob store, keys only in the metadata store."""
