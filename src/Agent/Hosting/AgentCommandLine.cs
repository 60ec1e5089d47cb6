using System.Net;
using HaCluster.Contracts;

namespace HaCluster.Agent.Hosting;

/// <summary>
/// hacluster-agent's command line: <c>--config FILE [--check]</c>, like keepalived's <c>-f FILE [-t]</c>;
/// <c>--controller URL --node NAME</c> for managed mode; and <c>status</c>.
/// </summary>
public sealed record AgentCommandLine(string ConfigPath, bool CheckOnly, bool ShowHelp, bool ShowVersion, string? Error)
{
    public const string DefaultConfigPath = "/etc/keepalived/keepalived.conf";
    public const string DefaultStateDir = "/var/lib/hacluster-agent";

    public const string Usage = """
        Usage: hacluster-agent [--config FILE] [--check] [--metrics ADDRESS:PORT|off]
                               [--controller URL]... [--node NAME] [--state-dir DIR]
               hacluster-agent status [--json] [--metrics ADDRESS:PORT]
          -f, --config FILE   keepalived.conf-syntax file (default /etc/keepalived/keepalived.conf; in managed
                              mode optional: it holds the host's unmanaged instances)
          -t, --check         validate the configuration and exit (0 valid, 1 errors)
          --metrics ADDR      Prometheus /metrics and JSON /status (default 127.0.0.1:9650; off to disable)
          --controller URL    managed mode: stream state to this controller and run the config it pushes
                              (http://host:port, https://host:port or unix:/path/to.sock; repeat for fail-over)
          --node NAME         this node's name at the controller (default: the host name)
          --state-dir DIR     the pushed config and the event journal (default /var/lib/hacluster-agent)
          status              show the running agent's instances (state, priority, master, last transition)
          --json              status as JSON
          -v, --version       print the version
          -h, --help          this text
        Signals: SIGTERM releases (priority 0, VIPs removed) and exits; SIGHUP reloads the configuration.
        """;

    public bool Status { get; init; }
    public bool Json { get; init; }
    public IPEndPoint? MetricsEndpoint { get; init; } = AgentOptions.DefaultMetricsEndpoint;
    public IReadOnlyList<Uri> Controllers { get; init; } = [];
    public string? Node { get; init; }
    public string StateDir { get; init; } = DefaultStateDir;

    /// <summary>Whether <c>--config</c> was given; in managed mode the default file is only read if it exists.</summary>
    public bool ConfigGiven { get; init; }

    public bool Managed => Controllers.Count > 0;

    public static AgentCommandLine Parse(IReadOnlyList<string> args)
    {
        var result = new AgentCommandLine(DefaultConfigPath, false, false, false, null);
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            result = args[i] switch
            {
                "-f" or "--config" when value is not null => result with { ConfigPath = args[++i], ConfigGiven = true },
                "--metrics" when value is not null => Metrics(result, args[++i]),
                "--controller" when value is not null => Controller(result, args[++i]),
                "--node" when value is not null => NodeName(result, args[++i]),
                "--state-dir" when value is not null => result with { StateDir = args[++i] },
                "-f" or "--config" or "--metrics" or "--controller" or "--node" or "--state-dir" => result with { Error = $"{args[i]} needs a value" },
                "-t" or "--check" => result with { CheckOnly = true },
                "-h" or "--help" => result with { ShowHelp = true },
                "-v" or "--version" => result with { ShowVersion = true },
                "status" when i == 0 => result with { Status = true },
                "--json" => result with { Json = true },
                var other when other.StartsWith("--config=", StringComparison.Ordinal) => result with { ConfigPath = other["--config=".Length..], ConfigGiven = true },
                var other => result with { Error = $"unknown argument '{other}'" },
            };

            if (result.Error is not null)
            {
                return result;
            }
        }

        return result;
    }

    private static AgentCommandLine Metrics(AgentCommandLine result, string value) =>
        value == "off" ? result with { MetricsEndpoint = null }
        : IPEndPoint.TryParse(value, out var endpoint) && endpoint.Port != 0 ? result with { MetricsEndpoint = endpoint }
        : result with { Error = $"--metrics: '{value}' is not ADDRESS:PORT or off" };

    private static AgentCommandLine Controller(AgentCommandLine result, string value) =>
        ControllerAddress.TryParse(value, out var uri)
            ? result with { Controllers = [.. result.Controllers, uri] }
            : result with { Error = $"--controller: '{value}' is not http://HOST:PORT, https://HOST:PORT or unix:/PATH" };

    private static AgentCommandLine NodeName(AgentCommandLine result, string value) =>
        value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')
            ? result with { Node = value }
            : result with { Error = $"--node: '{value}' is not a node name (1-64 characters from A-Z a-z 0-9 _ . -)" };
}
