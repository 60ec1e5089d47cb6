namespace HaCluster.Agent.Hosting;

/// <summary>hacluster-agent's command line: <c>--config FILE [--check]</c>, like keepalived's <c>-f FILE [-t]</c>.</summary>
public sealed record AgentCommandLine(string ConfigPath, bool CheckOnly, bool ShowHelp, bool ShowVersion, string? Error)
{
    public const string DefaultConfigPath = "/etc/keepalived/keepalived.conf";

    public const string Usage = """
        Usage: hacluster-agent [--config FILE] [--check]
          -f, --config FILE   keepalived.conf-syntax file (default /etc/keepalived/keepalived.conf)
          -t, --check         validate the configuration and exit (0 valid, 1 errors)
          -v, --version       print the version
          -h, --help          this text
        """;

    public static AgentCommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new AgentCommandLine(DefaultConfigPath, false, false, false, null);
        for (var i = 0; i < args.Count; i++)
        {
            result = args[i] switch
            {
                "-f" or "--config" when i + 1 < args.Count => result with { ConfigPath = args[++i] },
                "-f" or "--config" => result with { Error = $"{args[i]} needs a file name" },
                "-t" or "--check" => result with { CheckOnly = true },
                "-h" or "--help" => result with { ShowHelp = true },
                "-v" or "--version" => result with { ShowVersion = true },
                var other when other.StartsWith("--config=", StringComparison.Ordinal) => result with { ConfigPath = other["--config=".Length..] },
                var other => result with { Error = $"unknown argument '{other}'" },
            };
        }

        return result;
    }
}
