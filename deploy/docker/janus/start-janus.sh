#!/bin/sh
# Renders the read-only /etc/janus (deploy/janus/ of the repository) into a writable folder, then runs Janus in the
# foreground (PID 1 after exec: docker stop's SIGTERM reaches it). deploy/janus/ binds Janus to 127.0.0.1 for
# `./build.sh run`; inside a container the other services reach it over the compose network, so the WebSocket and
# HTTP transports listen on every interface here. The admin API stays on the container's loopback.
set -eu

source_dir=${JANUS_CONFIG_SOURCE:-/etc/janus}
config=${JANUS_CONFIG_DIR:-/run/janus-config}
mkdir -p "$config"

# Plugins live in the multiarch folder of this image's architecture (deploy/janus/ names the amd64 one).
lib=$(dirname "$(find /usr/lib -maxdepth 3 -type d -path '*/janus/plugins' | head -n 1)")

# The admin secret: JANUS_ADMIN_SECRET when given, else a random one per start (the admin API is not published).
admin_secret=${JANUS_ADMIN_SECRET:-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}

for source in "$source_dir"/*.jcfg; do
    sed -e "s|/usr/lib/x86_64-linux-gnu/janus|$lib|" \
        -e "s|^\([[:space:]]*\)ip = \"127.0.0.1\"|\1ip = \"0.0.0.0\"|" \
        -e "s|^\([[:space:]]*\)ws_ip = \"127.0.0.1\"|\1ws_ip = \"0.0.0.0\"|" \
        -e "s|^\([[:space:]]*admin_secret = \)\"[^\"]*\"|\1\"$admin_secret\"|" \
        "$source" >"$config/$(basename "$source")"
done

# The API secret, when set, must be the hosts' Janus__ApiSecret too: docker-compose.yml mounts the same secret file
# (JANUS_API_SECRET_FILE), read here; JANUS_API_SECRET is used when no file is. A secret with a quote or backslash
# would end the jcfg string early: refused rather than mangled.
secret_file=${JANUS_API_SECRET_FILE:-/run/secrets/janus_api_secret}
if [ -r "$secret_file" ]; then
    JANUS_API_SECRET=$(cat "$secret_file")
fi
if [ -n "${JANUS_API_SECRET:-}" ]; then
    case $JANUS_API_SECRET in
        *[\"\\]*) echo "start-janus.sh: JANUS_API_SECRET must not contain \" or \\" >&2; exit 2 ;;
    esac
    secret=$(printf '%s' "$JANUS_API_SECRET" | sed 's/[|&]/\\&/g')
    sed -i "s|^\([[:space:]]*\)#api_secret = \"[^\"]*\"|\1api_secret = \"$secret\"|" "$config/janus.jcfg"
fi

exec janus -F "$config" --disable-colors
