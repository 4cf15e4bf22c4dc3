# shellcheck shell=sh
# Finds the JDK Switchboard builds and runs on, and prints its home directory.
#
# Sourced by ./mvnw (the build) and by bin/switchboard (the launcher), so both pick the same JDK.
# Order: $SWITCHBOARD_JAVA_HOME (must fit, or we stop), $JAVA_HOME, the java on PATH, then the
# standard install places. Among those places the lowest fitting major version wins (25 before 26),
# so a machine with several JDKs builds on the one we test on.
#
#   switchboard_find_jdk [--jdk]    --jdk: require javac as well (building needs a JDK, running a JRE)

SWITCHBOARD_JAVA_MIN=${SWITCHBOARD_JAVA_MIN:-25}

# Prints the major version of the Java installation at $1, or nothing.
switchboard_java_major() {
  _sb_v=
  [ -x "$1/bin/java" ] || return 0
  if [ -r "$1/release" ]; then
    _sb_v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release")
  fi
  if [ -z "$_sb_v" ]; then
    _sb_v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  fi
  case $_sb_v in 1.*) _sb_v=${_sb_v#1.} ;; esac
  _sb_v=${_sb_v%%[!0-9]*}
  [ -z "$_sb_v" ] || printf '%s\n' "$_sb_v"
}

# True when $1 is a Java home of at least the minimum version (and has javac when $2 = --jdk).
switchboard_java_fits() {
  [ -n "$1" ] || return 1
  _sb_m=$(switchboard_java_major "$1")
  [ -n "$_sb_m" ] && [ "$_sb_m" -ge "$SWITCHBOARD_JAVA_MIN" ] || return 1
  [ "${2:-}" != --jdk ] || [ -x "$1/bin/javac" ]
}

switchboard_find_jdk() {
  _sb_need=${1:-}
  if [ -n "${SWITCHBOARD_JAVA_HOME:-}" ]; then
    if switchboard_java_fits "$SWITCHBOARD_JAVA_HOME" "$_sb_need"; then
      printf '%s\n' "$SWITCHBOARD_JAVA_HOME"
      return 0
    fi
    echo "SWITCHBOARD_JAVA_HOME=$SWITCHBOARD_JAVA_HOME is not a JDK $SWITCHBOARD_JAVA_MIN or newer." >&2
    echo "Point it at a JDK $SWITCHBOARD_JAVA_MIN (for example /usr/lib/jvm/temurin-25-jdk-amd64) or unset it." >&2
    return 1
  fi
  if switchboard_java_fits "${JAVA_HOME:-}" "$_sb_need"; then
    printf '%s\n' "$JAVA_HOME"
    return 0
  fi
  _sb_path_java=$(command -v java 2>/dev/null || true)
  if [ -n "$_sb_path_java" ]; then
    _sb_path_home=$(dirname "$(dirname "$(readlink -f "$_sb_path_java" 2>/dev/null || printf '%s' "$_sb_path_java")")")
    if switchboard_java_fits "$_sb_path_home" "$_sb_need"; then
      printf '%s\n' "$_sb_path_home"
      return 0
    fi
  fi

  # Standard places, as the JDK installers and version managers lay them out.
  _sb_best= _sb_best_major=
  _sb_glob_was_off=false
  case $- in *f*) _sb_glob_was_off=true; set +f ;; esac
  for _sb_home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /usr/local/java/* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home \
      "${HOME:-/nonexistent}"/.sdkman/candidates/java/* "${HOME:-/nonexistent}"/.jdks/* \
      "${HOME:-/nonexistent}"/.m2/jdks/* "${HOME:-/nonexistent}"/.gradle/jdks/* \
      "${HOME:-/nonexistent}"/Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$_sb_home" ] || continue
    switchboard_java_fits "$_sb_home" "$_sb_need" || continue
    _sb_m=$(switchboard_java_major "$_sb_home")
    if [ -z "$_sb_best" ] || [ "$_sb_m" -le "$_sb_best_major" ]; then
      _sb_best=$_sb_home _sb_best_major=$_sb_m
    fi
  done
  if $_sb_glob_was_off; then set -f; fi
  if [ -n "$_sb_best" ]; then
    printf '%s\n' "$_sb_best"
    return 0
  fi

  _sb_found=
  if [ -n "${JAVA_HOME:-}" ]; then _sb_found="JAVA_HOME=$JAVA_HOME (Java $(switchboard_java_major "$JAVA_HOME"))"; fi
  if [ -n "${_sb_path_home:-}" ]; then _sb_found="${_sb_found:+$_sb_found, }java on PATH (Java $(switchboard_java_major "$_sb_path_home"))"; fi
  {
    echo "Switchboard needs a JDK $SWITCHBOARD_JAVA_MIN or newer, and none was found."
    [ -z "$_sb_found" ] || echo "  Found only: $_sb_found."
    echo "  Searched: \$SWITCHBOARD_JAVA_HOME, \$JAVA_HOME, java on PATH, /usr/lib/jvm, /usr/java, /opt/java,"
    echo "  /Library/Java/JavaVirtualMachines, ~/.sdkman/candidates/java, ~/.jdks, ~/.m2/jdks, ~/.gradle/jdks."
    echo "  Install a JDK $SWITCHBOARD_JAVA_MIN (for example Eclipse Temurin $SWITCHBOARD_JAVA_MIN from https://adoptium.net: package temurin-$SWITCHBOARD_JAVA_MIN-jdk),"
    echo "  or set SWITCHBOARD_JAVA_HOME (or JAVA_HOME) to the home directory of one."
  } >&2
  return 1
}
