#!/usr/bin/env bash
# CI check: refuse any age file that carries a lawful-access (escrow) stanza.
# Usage: examples/ci-reject-escrow.sh FILE...      (exit 0: all clean, 3: escrow found, 1: error)
# In a pipeline:  git ls-files '*.age' | xargs examples/ci-reject-escrow.sh
# doormat can also do this in one call, for files and whole directories:
#   doormat inspect --deny-escrow secrets/ other.age     (see ci-gate.sh and docs/CI.md)
set -uo pipefail
DOORMAT=${DOORMAT:-doormat}
status=0
for f in "$@"; do
  $DOORMAT inspect --deny-escrow "$f" >/dev/null
  rc=$?
  case $rc in
    0) echo "ok       $f" ;;
    3) echo "ESCROWED $f: a third party can read it"; status=3 ;;
    *) echo "ERROR    $f: not a readable age file"; [ $status -eq 0 ] && status=1 ;;
  esac
done
# Note: escrow disguised as a plain X25519 recipient (--escrow-covert) cannot be detected from
# the header; `doormat inspect --json FILE | jq .possible_covert_escrow` flags files with 2+
# X25519 stanzas, which is all a header can tell.
exit $status
