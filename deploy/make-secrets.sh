#!/usr/bin/env bash
# Write the secrets the compose stacks and the Kubernetes base read, one file each, into DIR:
#   bash deploy/make-secrets.sh deploy/compose/secrets postgres            # compose
#   bash deploy/make-secrets.sh deploy/k8s/base/secrets carellm-postgres   # Kubernetes
# Files that exist are kept (a new encryption key would make stored sessions unreadable).
# Files are created 0600 by the user running this; see docs/deploy.md for the owners the
# containers need (CareLLM runs as uid 10001, PostgreSQL's image as uid 999).
set -euo pipefail
dir=${1:?usage: make-secrets.sh DIR [DB_HOST]}
db_host=${2:-postgres}
umask 077
mkdir -p "$dir"
random() { python3 -c "import secrets; print(secrets.token_urlsafe($1))"; }
write() {  # name value
  if [ -e "$dir/$1" ]; then
    echo "kept     $dir/$1"
  else
    printf '%s\n' "$2" >"$dir/$1"
    echo "created  $dir/$1"
  fi
}
write api_keys "$(random 32)"
write engine_api_key "$(random 32)"
write postgres_password "$(random 24)"
# The URL repeats the password as it is now in the file (kept or new).
write db_url "postgresql://carellm:$(head -n1 "$dir/postgres_password")@${db_host}:5432/carellm"
write encryption_key "$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
write web_auth "carellm:$(random 18)"
