using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using HaCluster.Contracts;

namespace HaCluster.Agent.Hosting;

/// <summary>What hacluster-agent was asked to do.</summary>
public enum AgentVerb
{
    /// <summary>Run the instances (or, with <c>--check</c>, validate the configuration and exit).</summary>
    Run,
    /// <summary>Show the running agent's instances.</summary>
    Status,
    /// <summary>Help or version: System.CommandLine prints it.</summary>
    Info,
}

/// <summary>
/// hacluster-agent's command line (System.CommandLine): <c>--config FILE [--check]</c>, like keepalived's
/// <c>-f FILE [-t]</c>; <c>--controller URL --node NAME</c> for managed mode; and <c>status</c>. Help and version exit
/// 0; a usage error names the option, prints the usage on stderr and exits 2.
/// </summary>
public sealed record AgentCommandLine(AgentVerb Verb, string ConfigPath, bool CheckOnly, string? Error)
{
    public const string DefaultConfigPath = "/etc/keepalived/keepalived.conf";
    public const string DefaultStateDir = "/var/lib/hacluster-agent";

    public bool Json { get; init; }
    public IPEndPoint? MetricsEndpoint { get; init; } = AgentOptions.DefaultMetricsEndpoint;
    public IReadOnlyList<Uri> Controllers { get; init; } = [];
    public string? Node { get; init; }
    public string StateDir { get; init; } = DefaultStateDir;

    /// <summary>Whether <c>--config</c> was given; in managed mode the default file is only read if it exists.</summary>
    public bool ConfigGiven { get; init; }

    public bool Managed => Controllers.Count > 0;

    /// <summary>The parse of <paramref name="args"/>: what to do, or the first error (null when there is none).</summary>
    public static AgentCommandLine Parse(IReadOnlyList<string> args) => From(Syntax.Root.Parse([.. args]));

    /// <summary>Prints help or version (<see cref="AgentVerb.Info"/>), or the error with the usage on stderr; returns the exit code.</summary>
    public static int Inform(IReadOnlyList<string> args, AgentCommandLine command)
    {
        if (command.Error is { } error)
        {
            Console.Error.WriteLine($"hacluster-agent: {error}");
            Syntax.Root.Parse("--help").Invoke(new InvocationConfiguration { Output = Console.Error });
            return 2;
        }

        return Syntax.Root.Parse([.. args]).Invoke();
    }

    private static AgentCommandLine From(ParseResult result)
    {
        if (result.Errors is [var first, ..])
        {
            return new AgentCommandLine(AgentVerb.Run, DefaultConfigPath, false, first.Message);
        }

        if (result.Action is not null && result.CommandResult.Command == Syntax.Root && result.Action != Syntax.Root.Action)
        {
            return new AgentCommandLine(AgentVerb.Info, DefaultConfigPath, false, null);
        }

        if (result.CommandResult.Command == Syntax.Status)
        {
            return new AgentCommandLine(AgentVerb.Status, DefaultConfigPath, false, null)
            {
                Json = result.GetValue(Syntax.Json),
                MetricsEndpoint = Endpoint(result.GetValue(Syntax.StatusMetrics)),
            };
        }

        return new AgentCommandLine(AgentVerb.Run, result.GetValue(Syntax.Config)!, result.GetValue(Syntax.Check), null)
        {
            MetricsEndpoint = Endpoint(result.GetValue(Syntax.Metrics)),
            Controllers = result.GetValue(Syntax.Controllers) ?? [],
            Node = result.GetValue(Syntax.Node),
            StateDir = result.GetValue(Syntax.StateDir)!,
            ConfigGiven = result.GetResult(Syntax.Config) is { Implicit: false },
        };
    }

    /// <summary><c>ADDRESS:PORT</c> as an endpoint; <c>off</c> (or anything the option's validator refused) as none.</summary>
    private static IPEndPoint? Endpoint(string? value) =>
        IPEndPoint.TryParse(value ?? "", out var endpoint) && endpoint.Port != 0 ? endpoint : null;

    /// <summary>The commands and options, declared once.</summary>
    private static class Syntax
    {
        public static readonly Option<string> Config = new("--config", "-f")
        {
            Description = "keepalived.conf-syntax file (in managed mode optional: it holds the host's unmanaged instances)",
            HelpName = "FILE",
            DefaultValueFactory = _ => DefaultConfigPath,
        };

        public static readonly Option<bool> Check = new("--check", "-t") { Description = "validate the configuration and exit (0 valid, 1 errors)" };

        public static readonly Option<string> Metrics = MetricsOption();

        public static readonly Option<string> StatusMetrics = MetricsOption();

        public static readonly Option<Uri[]> Controllers = new("--controller")
        {
            Description = "managed mode: stream state to this controller and run the config it pushes (http://host:port, https://host:port or unix:/path/to.sock; repeat for fail-over)",
            HelpName = "URL",
            CustomParser = ParseControllers,
        };

        public static readonly Option<string?> Node = new("--node")
        {
            Description = "this node's name at the controller (default: the host name)",
            HelpName = "NAME",
            CustomParser = ParseNode,
        };

        public static readonly Option<string> StateDir = new("--state-dir")
        {
            Description = "where the pushed config and the event journal are kept",
            HelpName = "DIR",
            DefaultValueFactory = _ => DefaultStateDir,
        };

        public static readonly Option<bool> Json = new("--json") { Description = "status as JSON" };

        public static readonly Command Status = new("status", "show the running agent's instances (state, priority, master, last transition)") { Json, StatusMetrics };

        public static readonly RootCommand Root = CreateRoot();

        private static RootCommand CreateRoot()
        {
            var root = new RootCommand("hacluster-agent: VRRP (keepalived-compatible) in unicast mode. Signals: SIGTERM releases (priority 0, VIPs removed) and exits; SIGHUP reloads the configuration.")
            {
                Config, Check, Metrics, Controllers, Node, StateDir, Status,
            };
            root.Options.OfType<VersionOption>().Single().Aliases.Add("-v");
            // The actions are run by Program; this one only marks "run the agent" apart from help and version.
            root.SetAction(_ => 0);
            Status.SetAction(_ => 0);
            return root;
        }

        private static Option<string> MetricsOption()
        {
            var option = new Option<string>("--metrics")
            {
                Description = "Prometheus /metrics and JSON /status (off to disable)",
                HelpName = "ADDRESS:PORT|off",
                DefaultValueFactory = _ => AgentOptions.DefaultMetricsEndpoint.ToString(),
            };
            option.Validators.Add(result =>
            {
                var value = result.GetValueOrDefault<string>();
                if (value != "off" && Endpoint(value) is null)
                {
                    result.AddError($"--metrics: '{value}' is not ADDRESS:PORT or off");
                }
            });
            return option;
        }

        private static Uri[] ParseControllers(ArgumentResult result)
        {
            var controllers = new List<Uri>();
            foreach (var token in result.Tokens)
            {
                if (!ControllerAddress.TryParse(token.Value, out var uri))
                {
                    result.AddError($"--controller: '{token.Value}' is not http://HOST:PORT, https://HOST:PORT or unix:/PATH");
                    return [];
                }

                controllers.Add(uri);
            }

            return [.. controllers];
        }

        private static string? ParseNode(ArgumentResult result)
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (value.Length is > 0 and <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                return value;
            }

            result.AddError($"--node: '{value}' is not a node name (1-64 characters from A-Z a-z 0-9 _ . -)");
            return null;
        }
    }
}
