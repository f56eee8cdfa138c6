# fish completion for argo (argo-ts)
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
