using System.Collections.Concurrent;
using HaCluster.Agent.Tracking;

namespace HaCluster.Agent.Tests.Fakes;

/// <summary>
/// Runs no process: a script's exit code is what the test set for it (0 by default), every run is recorded with its
/// arguments, and a script can be made to hang until released — the notify script that never returns.
/// </summary>
internal sealed class FakeScripts : IScriptRunner
{
    private readonly ConcurrentDictionary<string, int> _exitCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _hung = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _runs = new();

    public bool CanSwitchUser => false;

    /// <summary>Each run: the script and its appended arguments, space-separated.</summary>
    public IReadOnlyList<string> Runs => [.. _runs];

    public void ExitCode(string script, int code) => _exitCodes[script] = code;

    /// <summary>Waits for a run of <paramref name="script"/>: notify scripts start on the dispatcher's own worker, not in the caller.</summary>
    public async Task<bool> WaitForRunAsync(string script, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_runs.Any(r => r == script || r.StartsWith(script + " ", StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(5); // the worker is another thread; this one only looks
        }

        return true;
    }

    /// <summary>Runs of <paramref name="script"/> wait until <see cref="Release"/> (or their stop token).</summary>
    public void Hang(string script) => _hung[script] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release(string script)
    {
        if (_hung.TryRemove(script, out var gate))
        {
            gate.TrySetResult();
        }
    }

    public async Task<ScriptOutcome> RunAsync(string script, IReadOnlyList<string> extraArgs, TimeSpan timeout, CancellationToken stop, ScriptIdentity? runAs = null)
    {
        _runs.Enqueue(string.Join(' ', [script, .. extraArgs]));
        if (_hung.TryGetValue(script, out var gate))
        {
            await gate.Task.WaitAsync(stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return new ScriptOutcome(_exitCodes.GetValueOrDefault(script), false, null, "");
    }
}
