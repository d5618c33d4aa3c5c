#!/bin/bash
# Copies the ETL scripts to the cron host.
scp -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -r etl "etl@${ETL_HOST}:/opt/etl/"
ssh -o StrictHostKeyChecking=no "etl@${ETL_HOST}" "pip install -r /opt/etl/requirements.txt"
