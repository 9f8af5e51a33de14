# Sourced by ./mvnw, ./nemotron and .ci/run: selects a JDK 25+ (this project targets Java 25)
# and exports JAVA_HOME, or stops with a message that says what to do.
nemotron_java_major() { # $1 = a JDK home; prints its feature version, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
  fi
}
nemotron_select_jdk() {
  local want=25 cand major noglob=0
  case $- in *f*) noglob=1; set +f;; esac
  for cand in "${JAVA_HOME:-}" "${NEMOTRON_JAVA_HOME:-}" /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* \
      /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$cand" ] && [ -d "$cand" ] || continue
    major=$(nemotron_java_major "$cand")
    if [ -n "$major" ] && [ "$major" -ge "$want" ]; then
      export JAVA_HOME="$cand"; [ $noglob = 1 ] && set -f; return 0
    fi
  done
  echo "error: the Nemotron SDK needs JDK $want or newer, and none was found." >&2
  echo "       Looked at \$JAVA_HOME (${JAVA_HOME:-unset}), \$NEMOTRON_JAVA_HOME and /usr/lib/jvm/*." >&2
  echo "       Install one (e.g. Temurin 25: https://adoptium.net) and set JAVA_HOME to it." >&2
  return 1
}
nemotron_select_jdk || exit 1
