namespace HaCluster.Shared.Hosting;

/// <summary>How the controller and the dashboard run: start, then serve until asked to stop.</summary>
public static class ListenerStart
{
    /// <summary>
    /// A listener that cannot be opened — the address in use, a port it may not bind, a Unix socket in a missing
    /// directory — is one line on stderr and exit code 1 (what systemd shows), not an abort with stack traces.
    /// </summary>
    /// <returns>The process's exit code.</returns>
    public static async Task<int> RunAsync(string program, Func<Task> start, Func<Task> waitForShutdown)
    {
        try
        {
            await start().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"{program}: not started: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await waitForShutdown().ConfigureAwait(false);
        return 0;
    }
}
