using System.ComponentModel;
using System.Diagnostics;

namespace HaCluster.Agent.Tracking;

/// <summary>How one run of a user script ended.</summary>
public sealed record ScriptOutcome(int? ExitCode, bool TimedOut, string? StartError, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Null when the run succeeded; otherwise what to tell the operator.</summary>
    public string? Problem => this switch
    {
        { StartError: { } error } => $"cannot start: {error}",
        { TimedOut: true } => "timed out and was killed",
        { ExitCode: 126 or 127 } => $"cannot run (exit {ExitCode}): {Stderr.Trim()}",
        { ExitCode: not 0 } => $"exit {ExitCode}{(Stderr.Length > 0 ? ": " + Stderr.Trim() : "")}",
        _ => null,
    };
}

/// <summary>The edge where scripts run: tracking checks and notify scripts go through it (a fake one in tests).</summary>
public interface IScriptRunner
{
    /// <param name="script">The configured string, e.g. <c>/usr/local/bin/check_haproxy --fast</c>.</param>
    /// <param name="extraArgs">Appended as "$@" (keepalived's notify arguments), safely quoted.</param>
    /// <param name="timeout">Killed (the whole process tree) when it runs longer; a timeout is a failure.</param>
    /// <param name="stop">Killed when cancelled; the outcome then does not matter.</param>
    /// <param name="runAs">Run as this user and group (only root can: see <see cref="CanSwitchUser"/>).</param>
    Task<ScriptOutcome> RunAsync(string script, IReadOnlyList<string> extraArgs, TimeSpan timeout, CancellationToken stop, ScriptIdentity? runAs = null);

    /// <summary>Whether <c>user</c> can take effect: only root may switch users for a child.</summary>
    bool CanSwitchUser { get; }
}

/// <summary>Runs keepalived-style script strings with /bin/sh, bounded by a timeout that kills the whole tree.</summary>
public sealed class ShellScript : IScriptRunner
{
    public static readonly ShellScript Instance = new();

    private ShellScript()
    {
    }

    public bool CanSwitchUser => Environment.UserName == "root";

    public async Task<ScriptOutcome> RunAsync(string script, IReadOnlyList<string> extraArgs, TimeSpan timeout, CancellationToken stop, ScriptIdentity? runAs = null)
    {
        using var process = new Process { StartInfo = StartInfo(script, extraArgs, runAs) };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            return new ScriptOutcome(null, false, e.Message, "");
        }

        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            ProcessGroup.Kill(process.Id);
            // Any descendant that left the group too.
            process.Kill(entireProcessTree: true);
            // Gone before the caller may start the next run: runs never pile up, even of a script that ignores TERM.
            await WaitGoneAsync(process);
            return new ScriptOutcome(null, true, null, "");
        }

        return new ScriptOutcome(process.ExitCode, false, null, await stderr);
    }

    /// <summary>Waits (up to 5 s) for the script and every process of its group to be gone.</summary>
    private static async Task WaitGoneAsync(Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        try
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            while (ProcessGroup.Alive(process.Id) && DateTime.UtcNow < deadline)
            {
                // A killed grandchild exits when the kernel gets to it; nothing signals that but its absence.
                await Task.Delay(5);
            }
        }
        catch (TimeoutException)
        {
            // SIGKILL was sent to the whole group; a process stuck in the kernel is out of our hands.
        }
    }

    private static ProcessStartInfo StartInfo(string script, IReadOnlyList<string> extraArgs, ScriptIdentity? runAs)
    {
        var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Its own session and process group (setsid from util-linux execs, not forks, in a child that leads no group),
        // so a timeout kills the script with everything it started.
        // setpriv (util-linux) clears the inheritable and ambient capabilities, so a script never holds the agent's
        // CAP_NET_ADMIN/CAP_NET_RAW (granted to a non-root agent as ambient capabilities by its systemd unit).
        var command = new List<string> { "setsid", "setpriv", "--inh-caps=-all", "--ambient-caps=-all" };
        if (runAs is not null)
        {
            // And drops to the configured user, its group and that user's supplementary groups for this one child;
            // numeric ids, resolved once, so setpriv has nothing left to look up or get wrong.
            command.AddRange(["--reuid", Id(runAs.Uid), "--regid", Id(runAs.Gid), "--init-groups"]);
        }

        command.AddRange(["/bin/sh", "-c", extraArgs.Count == 0 ? script : script + " \"$@\"", "sh", .. extraArgs]);
        info.FileName = command[0];
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    private static string Id(uint id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
