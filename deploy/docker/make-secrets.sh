#!/bin/sh
# Writes the secrets docker-compose.yml mounts into the containers, as files in ./secrets/ (or the folder given):
#   api_token                   bearer token of every node's API
#   postgres_password           password of the journal's database user `janus`
#   journal_connection_string   the nodes' connection string to that database (with that password)
#   janus_api_secret            Janus's api_secret, sent by the nodes with every request (empty: none)
# Random values from /dev/urandom; a file that exists is kept, so running it again changes nothing. The folder is 0700
# (no other user of this machine can read the secrets); the files 0644, so the containers' own users (postgres, the
# host's uid 1654) can read them through Compose's bind mounts. janus_api_secret is empty (no api secret) unless
# JANUS_API_SECRET is set.
set -eu

dir=${1:-secrets}
umask 077
mkdir -p "$dir"
chmod 700 "$dir"

random() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }

write() { # name value: only when missing
    [ -e "$dir/$1" ] && return 0
    printf '%s' "$2" >"$dir/$1"
    chmod 644 "$dir/$1"
    echo "wrote $dir/$1"
}

write api_token "$(random)"
write postgres_password "$(random)"
write journal_connection_string "Host=postgres;Port=5432;Database=janus_actors;Username=janus;Password=$(cat "$dir/postgres_password")"
write janus_api_secret "${JANUS_API_SECRET:-}"
