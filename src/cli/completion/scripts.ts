// Shell completion scripts. Each asks `argo __complete <words>` for candidates, so commands,
// flags and workflow names are always those of the installed argo and its current backend.

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const BASH = `# bash completion for argo (argo-ts)
# Load with: source <(argo completion bash)
_argo_ts_complete() {
  local cur words out directive
  cur="\${COMP_WORDS[COMP_CWORD]}"
  words=("\${COMP_WORDS[@]:1:COMP_CWORD}")
  out=$(ARGO_TS_COMPLETING=1 "\${COMP_WORDS[0]}" __complete "\${words[@]}" 2>/dev/null) || return
  directive="\${out##*:}"
  out="\${out%:*}"
  if [[ "$directive" == "files" ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    local IFS=$'\\n'
    COMPREPLY=($(compgen -W "$out" -- "$cur"))
  fi
}
complete -o default -F _argo_ts_complete argo
`;

const ZSH = `#compdef argo
# zsh completion for argo (argo-ts)
# Load with: source <(argo completion zsh)
_argo_ts_complete() {
  local -a candidates
  local out directive
  out=$(ARGO_TS_COMPLETING=1 "\${words[1]}" __complete "\${(@)words[2,$CURRENT]}" 2>/dev/null) || return 1
  directive="\${out##*:}"
  out="\${out%:*}"
  if [[ "$directive" == "files" ]]; then
    _files
    return
  fi
  candidates=("\${(@f)out}")
  candidates=("\${(@)candidates:#}")
  compadd -- "\${candidates[@]}"
}
if (( $+functions[compdef] )); then
  compdef _argo_ts_complete argo
else
  autoload -U compinit && compinit && compdef _argo_ts_complete argo
fi
`;

const FISH = `# fish completion for argo (argo-ts)
# Load with: argo completion fish | source
function __argo_ts_complete
  set -l words (commandline -opc)
  set -e words[1]
  set -l current (commandline -ct)
  set -l out (env ARGO_TS_COMPLETING=1 argo __complete $words "$current" 2>/dev/null)
  set -l directive (string replace -r '^.*:' '' -- $out[-1])
  set -e out[-1]
  if test "$directive" = files
    __fish_complete_path "$current"
    return
  end
  for c in $out
    if test -n "$c"
      echo $c
    end
  end
end
complete -c argo -f -a '(__argo_ts_complete)'
`;

export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return BASH;
    case 'zsh':
      return ZSH;
    case 'fish':
      return FISH;
  }
}
