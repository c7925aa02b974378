#!/usr/bin/env bash
# Make sure Debian's nginx is installed (the tests and benchmarks/webhook_load.py start their own
# nginx on loopback with deploy/nginx's configuration; nothing listens on ports 80/443). The
# package's own service is not needed for that. Prints the binary's path on its last line.
set -euo pipefail
nginx_bin=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)
if [ -z "$nginx_bin" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq nginx >/dev/null
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
fi
command -v openssl >/dev/null 2>&1 || apt-get install -y -qq openssl >/dev/null
echo "$nginx_bin"
