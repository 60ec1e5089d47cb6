namespace HaCluster.TestSupport;

/// <summary>What a finished (or timed-out and killed) command produced.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>Throws with the command line, exit code and both streams unless the command succeeded.</summary>
    public CommandResult EnsureSuccess() =>
        Succeeded ? this : throw new InvalidOperationException(ToString());

    public override string ToString() =>
        $"`{CommandLine}` {(TimedOut ? "timed out" : $"exited {ExitCode}")}" +
        $"\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
