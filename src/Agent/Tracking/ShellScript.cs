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

/// <summary>Runs keepalived-style script strings with /bin/sh, bounded by a timeout that kills the whole tree.</summary>
public static class ShellScript
{
    /// <param name="script">The configured string, e.g. <c>/usr/local/bin/check_haproxy --fast</c>.</param>
    /// <param name="extraArgs">Appended as "$@" (keepalived's notify arguments), safely quoted.</param>
    /// <param name="runAs">Run as this user and group, via setpriv (only root can: see <see cref="CanSwitchUser"/>).</param>
    public static async Task<ScriptOutcome> RunAsync(string script, IReadOnlyList<string> extraArgs, TimeSpan timeout, CancellationToken stop, ScriptIdentity? runAs = null)
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
            process.Kill(entireProcessTree: true);
            // Gone before the caller may start the next run: runs never pile up, even of a script that ignores TERM.
            await WaitGoneAsync(process);
            return new ScriptOutcome(null, true, null, "");
        }

        return new ScriptOutcome(process.ExitCode, false, null, await stderr);
    }

    /// <summary>Whether <c>user</c> can take effect: only root may switch users for a child.</summary>
    public static bool CanSwitchUser => Environment.UserName == "root";

    private static async Task WaitGoneAsync(Process process)
    {
        try
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // SIGKILL was sent to the whole tree; a process stuck in the kernel is out of our hands.
        }
    }

    private static ProcessStartInfo StartInfo(string script, IReadOnlyList<string> extraArgs, ScriptIdentity? runAs)
    {
        var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var command = new List<string>();
        if (runAs is not null)
        {
            // setpriv (util-linux) drops to the configured user, its group and that user's supplementary groups for
            // this one child; numeric ids, resolved once, so setpriv has nothing left to look up or get wrong.
            command.AddRange(["setpriv", "--reuid", Id(runAs.Uid), "--regid", Id(runAs.Gid), "--init-groups"]);
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
