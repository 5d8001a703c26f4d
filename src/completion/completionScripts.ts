import type { Context } from '../context.js';
import { UserError } from '../errors.js';

/**
 * `csr-call completion bash|zsh|fish`: a small script for the shell that asks
 * `csr-call __complete` for the candidates (src/completion/complete.ts), so commands,
 * options, playbook names and live ids always match the program installed.
 */
export const COMPLETION_SCRIPTS: Record<'bash' | 'zsh' | 'fish', string> = {
  bash: `# csr-call completion for bash: source it, or put it in ~/.local/share/bash-completion/completions/csr-call
_csr_call_complete() {
  local IFS=$'\\n' out
  out=$(csr-call __complete bash "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return 0
  if [[ $out == "__files__" ]]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "\${COMP_WORDS[COMP_CWORD]}"))
    return 0
  fi
  COMPREPLY=($out)
}
complete -F _csr_call_complete csr-call
`,
  zsh: `#compdef csr-call
# csr-call completion for zsh: put it in a folder of your $fpath as _csr-call, or source it after compinit
_csr_call() {
  local -a lines
  lines=("\${(@f)$(csr-call __complete zsh "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ "\${lines[1]}" == __files__ ]]; then
    _files
    return
  fi
  lines=(\${lines:#})
  (( \${#lines} )) || return 1
  _describe -t values 'csr-call' lines
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  _csr_call "$@"
else
  compdef _csr_call csr-call
fi
`,
  fish: `# csr-call completion for fish: put it in ~/.config/fish/completions/csr-call.fish
function __csr_call_complete
    set -l words (commandline -opc) (commandline -ct)
    set -e words[1]
    set -l out (csr-call __complete fish $words 2>/dev/null)
    if test "$out" = __files__
        __fish_complete_path (commandline -ct)
    else
        printf '%s\\n' $out
    end
end
complete -c csr-call -f -a '(__csr_call_complete)'
`,
};

export async function completionCommand(shell: string, opts: { json?: boolean }, ctx: Context): Promise<void> {
  if (!(shell in COMPLETION_SCRIPTS)) throw new UserError(`no completion for "${shell}": bash, zsh or fish`);
  const script = COMPLETION_SCRIPTS[shell as keyof typeof COMPLETION_SCRIPTS];
  if (opts.json) (await import('../render/jsonOutput.js')).writeJson(ctx, { shell, script });
  else ctx.stdout.write(script);
}
