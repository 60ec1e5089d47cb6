using System.Net;

namespace HaCluster.Agent.Hosting;

/// <summary>hacluster-agent's command line: <c>--config FILE [--check]</c>, like keepalived's <c>-f FILE [-t]</c>, and <c>status</c>.</summary>
public sealed record AgentCommandLine(string ConfigPath, bool CheckOnly, bool ShowHelp, bool ShowVersion, string? Error)
{
    public const string DefaultConfigPath = "/etc/keepalived/keepalived.conf";

    public const string Usage = """
        Usage: hacluster-agent [--config FILE] [--check] [--metrics ADDRESS:PORT|off]
               hacluster-agent status [--json] [--metrics ADDRESS:PORT]
          -f, --config FILE   keepalived.conf-syntax file (default /etc/keepalived/keepalived.conf)
          -t, --check         validate the configuration and exit (0 valid, 1 errors)
          --metrics ADDR      Prometheus /metrics and JSON /status (default 127.0.0.1:9650; off to disable)
          status              show the running agent's instances (state, priority, master, last transition)
          --json              status as JSON
          -v, --version       print the version
          -h, --help          this text
        Signals: SIGTERM releases (priority 0, VIPs removed) and exits; SIGHUP reloads the configuration.
        """;

    public bool Status { get; init; }
    public bool Json { get; init; }
    public IPEndPoint? MetricsEndpoint { get; init; } = AgentOptions.DefaultMetricsEndpoint;

    public static AgentCommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new AgentCommandLine(DefaultConfigPath, false, false, false, null);
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            result = args[i] switch
            {
                "-f" or "--config" when value is not null => result with { ConfigPath = args[++i] },
                "--metrics" when value is not null => Metrics(result, args[++i]),
                "-f" or "--config" or "--metrics" => result with { Error = $"{args[i]} needs a value" },
                "-t" or "--check" => result with { CheckOnly = true },
                "-h" or "--help" => result with { ShowHelp = true },
                "-v" or "--version" => result with { ShowVersion = true },
                "status" when i == 0 => result with { Status = true },
                "--json" => result with { Json = true },
                var other when other.StartsWith("--config=", StringComparison.Ordinal) => result with { ConfigPath = other["--config=".Length..] },
                var other => result with { Error = $"unknown argument '{other}'" },
            };
        }

        return result;
    }

    private static AgentCommandLine Metrics(AgentCommandLine result, string value) =>
        value == "off" ? result with { MetricsEndpoint = null }
        : IPEndPoint.TryParse(value, out var endpoint) && endpoint.Port != 0 ? result with { MetricsEndpoint = endpoint }
        : result with { Error = $"--metrics: '{value}' is not ADDRESS:PORT or off" };
}
