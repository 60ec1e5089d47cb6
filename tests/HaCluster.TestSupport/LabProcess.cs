using System.Diagnostics;
using System.Text;

namespace HaCluster.TestSupport;

/// <summary>A long-running process inside a lab namespace; stdout and stderr go to a log file and to <see cref="Output"/>.</summary>
/// <remarks><c>ip netns exec</c> execs the target in place, so <see cref="Pid"/> is the target itself and signals reach it.</remarks>
public sealed class LabProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultStopGrace = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ExecWait = TimeSpan.FromSeconds(2);

    private readonly Process process;
    private readonly StreamWriter log;
    private readonly StringBuilder output = new();
    private readonly Lock gate = new();
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int openStreams = 2;
    private bool disposed;

    private LabProcess(string name, string ns, string logPath, ProcessStartInfo info)
    {
        Name = name;
        Namespace = ns;
        LogPath = logPath;
        CommandLine = Cmd.FormatCommandLine(info.FileName, info.ArgumentList);
        log = new StreamWriter(logPath, append: false, Encoding.UTF8) { AutoFlush = true };
        log.WriteLine($"# {CommandLine}");
        process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Exited += (_, _) => OnExited();
    }

    public string Name { get; }

    public string Namespace { get; }

    public string LogPath { get; }

    public string CommandLine { get; }

    public int Pid { get; private set; }

    public bool HasExited => exited.Task.IsCompleted;

    /// <summary>The exit code once exited; a process killed by signal n reads 128 + n.</summary>
    public int? ExitCode => HasExited ? process.ExitCode : null;

    /// <summary>Length of <see cref="Output"/> now: pass it as <c>since</c> to wait only for output that comes later.</summary>
    public int OutputLength
    {
        get
        {
            lock (gate)
                return output.Length;
        }
    }

    /// <summary>Everything written so far to stdout and stderr, interleaved, one line per line.</summary>
    public string Output
    {
        get
        {
            lock (gate)
                return output.ToString();
        }
    }

    internal static LabProcess Start(string ns, string file, IEnumerable<string> args, string name, string logPath)
    {
        var target = Tools.Find(file) ?? file;
        var info = Cmd.StartInfo(Tools.Require("ip"), new[] { "netns", "exec", ns, target }.Concat(args));
        var lab = new LabProcess(name, ns, logPath, info);
        lab.process.Start();
        lab.Pid = lab.process.Id;
        lab.process.StandardInput.Close();
        lab.process.BeginOutputReadLine();
        lab.process.BeginErrorReadLine();
        lab.WaitForExec(target);
        return lab;
    }

    /// <summary>
    /// Starts a process in this (the root) network namespace, for what a lab reaches only through the filesystem: the
    /// controller, whose agents connect through its Unix socket. It listens on loopback only.
    /// </summary>
    internal static LabProcess StartInRootNamespace(string file, IEnumerable<string> args, string name, string logPath, IReadOnlyDictionary<string, string>? environment)
    {
        var info = Cmd.StartInfo(file, args);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            info.Environment[key] = value;
        var lab = new LabProcess(name, "root", logPath, info);
        lab.process.Start();
        lab.Pid = lab.process.Id;
        lab.process.StandardInput.Close();
        lab.process.BeginOutputReadLine();
        lab.process.BeginErrorReadLine();
        return lab;
    }

    /// <summary>Until <c>ip netns exec</c> has exec'd the target, the pid still runs <c>ip</c> (a few ms):
    /// wait so that signals and /proc lookups reach the target.</summary>
    private void WaitForExec(string target)
    {
        if (Path.GetFileName(target) == "ip")
            return;
        var clock = Stopwatch.StartNew();
        while (!HasExited && clock.Elapsed < ExecWait)
        {
            try
            {
                if (File.ReadAllText($"/proc/{Pid}/comm").Trim() != "ip")
                    return;
            }
            catch (IOException)
            {
                return; // exited meanwhile
            }
            Thread.Sleep(1); // waits for `ip netns exec` exec-ing into its target
        }
    }

    /// <summary>Waits until <paramref name="substring"/> appears in the output at or after offset <paramref name="since"/>;
    /// false on timeout or once the process has exited and closed its output without it.</summary>
    /// <summary>The last non-empty line of the output: usually why a process that exited did.</summary>
    public string LastLine =>
        Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";

    public async Task<bool> WaitForOutputAsync(string substring, TimeSpan timeout, int since = 0)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (ContainsFrom(since, substring))
                    return true;
                if (HasExited && openStreams == 0)
                    return false;
                next = changed.Task;
            }
            try
            {
                await next.WaitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                lock (gate)
                    return ContainsFrom(since, substring);
            }
        }
    }

    /// <summary>Waits for the process to exit; false on timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await exited.Task.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Sends <paramref name="signo"/> to the process (kill(2)); false when it has already gone.</summary>
    public bool Signal(int signo) => !HasExited && Native.Kill(Pid, signo);

    /// <summary>SIGKILLs the process and all its descendants (children first, so it looks like a crash) and waits for it.</summary>
    public async Task KillAsync()
    {
        if (!HasExited)
            ProcessTree.KillAll(Pid);
        if (!await WaitForExitAsync(KillWait).ConfigureAwait(false))
            throw new InvalidOperationException($"{Name} (pid {Pid}) survived SIGKILL");
    }

    /// <summary>SIGTERM, then up to <paramref name="grace"/> (default 5 s) to exit, then SIGKILL. Returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? grace = null)
    {
        Signal(Signals.Term);
        if (!await WaitForExitAsync(grace ?? DefaultStopGrace).ConfigureAwait(false))
            await KillAsync().ConfigureAwait(false);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        lock (gate)
        {
            if (disposed)
                return;
            disposed = true;
        }
        await KillAsync().ConfigureAwait(false);
        process.Dispose();
        lock (gate)
            log.Dispose();
    }

    public override string ToString() => $"{Name} (pid {Pid} in {Namespace})";

    private bool ContainsFrom(int since, string substring)
    {
        var start = Math.Clamp(since, 0, output.Length);
        return output.ToString(start, output.Length - start).Contains(substring, StringComparison.Ordinal);
    }

    private void Append(string? line)
    {
        lock (gate)
        {
            if (line is null)
                openStreams--;
            else
            {
                output.Append(line).Append('\n');
                if (!disposed)
                    log.WriteLine(line);
            }
            Wake();
        }
    }

    private void OnExited()
    {
        lock (gate)
        {
            exited.TrySetResult();
            Wake();
        }
    }

    private void Wake()
    {
        var previous = changed;
        changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
