#!/usr/bin/env bash
# A talk, in CLI commands only: two people, one authority, one escrowed message, one leak.
# Run from a clone:  DOORMAT="node dist/cli/doormat.js" examples/talk.sh    (or with doormat installed)
# Set STEP=1 to wait for Enter before each command.
set -euo pipefail
DOORMAT=${DOORMAT:-doormat}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold= plain=; fi
say() { printf '\n%s# %s%s\n' "$bold" "$*" "$plain"; }
run() {
  printf '$ %s\n' "$*"
  if [ "${STEP:-}" = 1 ]; then read -r _ </dev/tty; fi
  eval "$@"
}

say "Alice and Bob make keys. So does the authority that mandates lawful access."
run "$DOORMAT keygen -o alice.key"
run "$DOORMAT keygen -o bob.key"
run "$DOORMAT keygen --authority 'Lawful Access Agency' -o authority.key"

say "Alice writes to Bob on a service that must escrow every message."
run "echo 'meet me at the usual place, 7pm' > note.txt"
run "$DOORMAT encrypt -r \"\$($DOORMAT pubkey bob.key)\" --escrow \"\$($DOORMAT pubkey authority.key)\" -o note.age note.txt"

say "The header says who else can read it."
run "$DOORMAT inspect note.age"

say "Bob reads it. Stock age does not even notice the escrow stanza."
if command -v age >/dev/null 2>&1; then
  run "age -d -i bob.key note.age"
else
  echo "(stock age is not installed; using doormat)"
  run "$DOORMAT decrypt -i bob.key note.age"
fi

say "Lawful access, as designed: the authority reads it too."
run "$DOORMAT decrypt -i authority.key note.age"

say "The leak: the authority's key file is copied. It is just a file."
run "mkdir attacker && cp authority.key attacker/stolen.key"

say "The attacker reads Alice's message — and every other escrowed message, past and future."
run "$DOORMAT decrypt -i attacker/stolen.key note.age"

say "Now at scale: thousands of users, two services, one leak."
run "$DOORMAT demo leak --users 500 --messages 2000"
