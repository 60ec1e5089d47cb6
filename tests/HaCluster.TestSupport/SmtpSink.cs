using MimeKit;
using Xunit;

namespace HaCluster.TestSupport;

/// <summary>
/// A real SMTP server for tests: Debian's aiosmtpd on 127.0.0.1, storing every message it accepts in a maildir.
/// (Run with /usr/bin/python3: the python3 on PATH may be a build that cannot see apt's modules.)
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly System.Diagnostics.Process process;

    private SmtpSink(System.Diagnostics.Process process, int port, string maildir) => (this.process, Port, Maildir) = (process, port, maildir);

    public int Port { get; }

    public string Maildir { get; }

    /// <summary>Starts the server and waits until it accepts connections; skips (or fails, when required) without aiosmtpd.</summary>
    /// <param name="port">The port to listen on (a free one by default): a test may start a server where a controller already sends.</param>
    /// <param name="tls">A certificate and key (PEM files): the server then offers STARTTLS and requires it before any mail.</param>
    public static async Task<SmtpSink> StartAsync(int? port = null, (string Certificate, string Key)? tls = null)
    {
        var probe = await Cmd.RunAsync(Python, "-c", "import aiosmtpd");
        if (!probe.Succeeded)
        {
            var reason = "the SMTP tests need Debian's python3-aiosmtpd (apt-get install python3-aiosmtpd)";
            if (Environment.GetEnvironmentVariable(Privileges.RequireVariable) == "1")
                throw new InvalidOperationException($"{reason}; {Privileges.RequireVariable}=1, so this fails instead of skipping");
            Skip.If(true, reason);
        }

        var maildir = Directory.CreateTempSubdirectory("hc-smtp-").FullName;
        foreach (var sub in new[] { "tmp", "new", "cur" })
            Directory.CreateDirectory(Path.Combine(maildir, sub));
        var listen = port ?? FreePort.Next();
        string[] secure = tls is { } files ? ["--tlscert", files.Certificate, "--tlskey", files.Key] : [];
        var info = Cmd.StartInfo(Python, ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{listen}", .. secure, "-c", "aiosmtpd.handlers.Mailbox", maildir]);
        var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("cannot start aiosmtpd");
        var sink = new SmtpSink(process, listen, maildir);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await AcceptsAsync(listen))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"aiosmtpd did not start: {await process.StandardError.ReadToEndAsync()}");
            await Task.Delay(50); // waits for aiosmtpd (a Python process) starting to listen
        }
        return sink;
    }

    /// <summary>Every message received so far, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var files = new[] { "new", "cur" }.Select(d => Path.Combine(Maildir, d)).Where(Directory.Exists)
            .SelectMany(Directory.GetFiles).OrderBy(File.GetLastWriteTimeUtc).ToList();
        return [.. files.Select(f => MimeMessage.Load(f))];
    }

    public async Task<IReadOnlyList<MimeMessage>> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Messages() is var messages && messages.Count < count)
        {
            if (DateTime.UtcNow > deadline)
                return messages;
            await Task.Delay(100); // waits for aiosmtpd writing the mail to its maildir
        }
        return Messages();
    }

    public async ValueTask DisposeAsync()
    {
        Cmd.KillTree(process);
        await process.WaitForExitAsync();
        process.Dispose();
        Directory.Delete(Maildir, recursive: true);
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
