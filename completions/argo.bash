# bash completion for argo (argo-ts)
# Load it now with: source <(argo completion bash)
# or for every shell: argo completion bash > /etc/bash_completion.d/argo
_argo_ts_complete() {
  local cur out directive
  cur="${COMP_WORDS[COMP_CWORD]}"
  out=$("${COMP_WORDS[0]}" __complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return
  directive="${out##*:}"
  out="${out%:*}"
  if [[ "$directive" == "files" ]]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$out" -- "$cur"))
  fi
}
complete -o default -F _argo_ts_complete argo
