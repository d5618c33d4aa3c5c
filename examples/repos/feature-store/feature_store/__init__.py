"""Online (Redis) and offline (Parquet) feature store."""
