"""Builds the weekly finance report and mails it to the managers."""
import os

import boto3

# Fake demo values, not real credentials (AWS's documented example key pair).
AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def client():
    return boto3.client(
        "s3",
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", AWS_ACCESS_KEY_ID),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", AWS_SECRET_ACCESS_KEY),
    )


if __name__ == "__main__":
    print(client().list_objects_v2(Bucket="acme-finance-exports", Prefix="orders/")["KeyCount"])
