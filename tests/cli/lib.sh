# Shared helpers of the command-line tests (sourced). Each script sets PASSAGE,
# SRC and a scratch directory, then calls:
#   expect CODE PATTERN -- command...   exit code CODE and output containing PATTERN
#   expect_line CODE LINE -- command... exit code CODE and one output line equal to LINE
#   fail MESSAGE
#   same FILE1 FILE2 OBJECT             h5diff of one HDF5 object
# and ends with `finish`.
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
run_expect() {  # MODE CODE TEXT -- command...
  local mode=$1 code=$2 text=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" != "$code" ]; then
    fail "'$*' exited $rc, expected $code"; echo "$out" | sed 's/^/    /'; return
  fi
  if [ "$mode" = line ]; then
    grep -qxF -- "$text" <<<"$out" || { fail "'$*' lacks the line: $text"; echo "$out" | sed 's/^/    /'; return; }
  else
    grep -qF -- "$text" <<<"$out" || { fail "'$*' output lacks: $text"; echo "$out" | sed 's/^/    /'; return; }
  fi
  echo "ok: $*" | cut -c1-160
}
expect() { run_expect contains "$@"; }
expect_line() { run_expect line "$@"; }
same() {
  if h5diff "$1" "$2" "$3" "$3"; then echo "ok: $1 and $2 have the same $3"; else fail "$1 and $2 differ in $3"; fi
}
finish() {
  echo "$fails failure(s)"
  [ "$fails" = 0 ]
}
