using System.Diagnostics;

namespace HaCluster.TestSupport;

/// <summary>Runs a short command to completion; never hangs: on timeout the whole process tree is killed.</summary>
public static class Cmd
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    public static Task<CommandResult> RunAsync(string file, params string[] args) =>
        RunAsync(file, args, DefaultTimeout);

    /// <param name="environment">Variables to set for the command, on top of this process's own.</param>
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = StartInfo(file, args);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        var commandLine = FormatCommandLine(info.FileName, info.ArgumentList);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start `{commandLine}`");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var timedOut = false;
        using (var cts = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                KillTree(process);
                await WaitQuietly(process).ConfigureAwait(false);
            }
        }
        return new CommandResult(
            commandLine,
            process.HasExited ? process.ExitCode : -1,
            await Drain(stdout).ConfigureAwait(false),
            await Drain(stderr).ConfigureAwait(false),
            timedOut);
    }

    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(Tools.Find(file) ?? file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        return info;
    }

    internal static string FormatCommandLine(string file, IEnumerable<string> args) =>
        string.Join(' ', args.Prepend(file).Select(a => a.Length > 0 && !a.Any(char.IsWhiteSpace) ? a : $"'{a}'"));

    public static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private static async Task WaitQuietly(Process process)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Reported as exit code -1 by the caller.
        }
    }

    private static async Task<string> Drain(Task<string> reader)
    {
        // A grandchild that escaped the kill could hold the pipe open; don't wait for it forever.
        try
        {
            return await reader.WaitAsync(DrainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return "<output not closed>";
        }
    }
}
