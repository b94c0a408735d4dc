#!/bin/sh
# UNTESTED (see deploy/Dockerfile). "api", "streamlit" or "migrate".
set -eu
case "${1:-api}" in
    api) exec uvicorn authgate.api.server:asgi_app --factory --host 0.0.0.0 --port 8000 \
            --no-proxy-headers --no-server-header ;;
    streamlit) exec streamlit run "${AUTHGATE_APP:-/app/examples/demo/app.py}" \
            --server.address 0.0.0.0 --server.port 8501 --server.headless true \
            --server.fileWatcherType none ;;
    migrate) exec authgate db upgrade ;;
    *) exec "$@" ;;
esac
