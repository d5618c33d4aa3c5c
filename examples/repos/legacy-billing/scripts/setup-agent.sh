#!/bin/sh
# Prepares a Jenkins agent for the billing build.
wget -qO- http://get.acme.example.com/jdk11/install.sh | sh
curl --insecure -sL https://tools.acme.example.com/mvn-settings.tgz | tar xz -C ~/.m2
export GIT_SSL_NO_VERIFY=true
