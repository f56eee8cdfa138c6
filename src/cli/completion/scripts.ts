// Shell completion scripts. Each asks `argo __complete -- <words>` for candidates, so commands,
// flags, flag values and workflow names are always those of the installed argo and its current
// backend. The answer is one candidate a line, then `:files` (complete file names instead) or
// `:nofiles`.

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const BASH = `# bash completion for argo (argo-ts)
# Load it now with: source <(argo completion bash)
# or for every shell: argo completion bash > /etc/bash_completion.d/argo
_argo_ts_complete() {
  local cur out directive
  cur="\${COMP_WORDS[COMP_CWORD]}"
  out=$("\${COMP_WORDS[0]}" __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return
  directive="\${out##*:}"
  out="\${out%:*}"
  if [[ "$directive" == "files" ]]; then
    compopt -o filenames 2>/dev/null
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
# Load it now with: source <(argo completion zsh)
# or for every shell: argo completion zsh > "\${fpath[1]}/_argo"
_argo() {
  local out directive
  local -a candidates
  out=$("\${words[1]}" __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
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
if [[ "\${funcstack[1]}" == "_argo" ]]; then
  # Autoloaded from fpath: this file is the body of _argo, so complete now.
  _argo "$@"
elif (( $+functions[compdef] )); then
  compdef _argo argo
else
  autoload -U compinit && compinit && compdef _argo argo
fi
`;

const FISH = `# fish completion for argo (argo-ts)
# Load it now with: argo completion fish | source
# or for every shell: argo completion fish > ~/.config/fish/completions/argo.fish
function __argo_ts_complete
  set -l words (commandline -opc)
  set -l current (commandline -ct)
  set -l out ($words[1] __complete -- $words[2..-1] "$current" 2>/dev/null)
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
