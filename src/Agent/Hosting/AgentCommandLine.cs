using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using HaCluster.Contracts;
using HaCluster.Shared.Tls;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Agent.Hosting;

/// <summary>What hacluster-agent was asked to do.</summary>
public enum AgentVerb
{
    /// <summary>Run the instances (or, with <c>--check</c>, validate the configuration and exit).</summary>
    Run,
    /// <summary>Show the running agent's instances.</summary>
    Status,
    /// <summary>Redeem a join token for this node's certificate.</summary>
    Enroll,
    /// <summary>Help or version: System.CommandLine prints it.</summary>
    Info,
}

/// <summary>
/// hacluster-agent's command line (System.CommandLine): <c>--config FILE [--check]</c>, like keepalived's
/// <c>-f FILE [-t]</c>; <c>--controller URL</c> for managed mode (with the enrolled identity in <c>--state-dir</c>, or the
/// site's <c>--ca --cert --key</c>); <c>enroll</c>; and <c>status</c>. Help and version exit 0; a usage error names the
/// option, prints the usage on stderr and exits 2.
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

    /// <summary>The site's CA, certificate and key (all three or none); none: the identity enrolled in <see cref="StateDir"/>.</summary>
    public (string Ca, string Certificate, string Key)? SiteIdentity { get; init; }

    /// <summary><c>enroll --token</c>.</summary>
    public JoinToken? Token { get; init; }

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
            // The usage of the command that was meant: enroll's for an enroll, status's for a status.
            string[] help = args is [var verb, ..] && Syntax.Root.Subcommands.Any(c => c.Name == verb) ? [verb, "--help"] : ["--help"];
            Syntax.Root.Parse(help).Invoke(new InvocationConfiguration { Output = Console.Error });
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

        // Help or version, of the root or of a subcommand (whose required options are then not asked for).
        if (result.Action is not null && result.Action != result.CommandResult.Command.Action)
        {
            return new AgentCommandLine(AgentVerb.Info, DefaultConfigPath, false, null);
        }

        if (result.CommandResult.Command == Syntax.Enroll)
        {
            _ = JoinToken.TryParse(result.GetValue(Syntax.Token), out var token);
            return new AgentCommandLine(AgentVerb.Enroll, DefaultConfigPath, false, null)
            {
                Controllers = [.. result.GetValue(Syntax.EnrollController) ?? []],
                Token = token,
                Node = result.GetValue(Syntax.EnrollNode),
                StateDir = result.GetValue(Syntax.EnrollStateDir)!,
            };
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
            SiteIdentity = result.GetValue(Syntax.Ca) is { } ca ? (ca, result.GetValue(Syntax.Cert)!, result.GetValue(Syntax.Key)!) : null,
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
            Description = "managed mode: stream state to this controller and run the config it pushes (https://host:port or unix:/path/to.sock, TLS; repeat for fail-over)",
            HelpName = "URL",
            CustomParser = ParseControllers,
        };

        public static readonly Option<string?> Node = new("--node")
        {
            Description = "this node's name (default: the one in its certificate; if given, it must match)",
            HelpName = "NAME",
            CustomParser = ParseNode,
        };

        public static readonly Option<string> StateDir = StateDirOption("where the identity, the pushed config and the event journal are kept");

        public static readonly Option<string?> Ca = FileOption("--ca", "the site's CA that the controller's certificate chains to (with --cert and --key: instead of enrolling)");

        public static readonly Option<string?> Cert = FileOption("--cert", "this agent's certificate from the site's PKI (CN = node, OU = agent)");

        public static readonly Option<string?> Key = FileOption("--key", "the private key of --cert (readable by its owner only)");

        public static readonly Option<Uri[]> EnrollController = new("--controller")
        {
            Description = "the controller to enroll with (https://host:port or unix:/path/to.sock)",
            HelpName = "URL",
            Required = true,
            CustomParser = ParseControllers,
        };

        public static readonly Option<string> Token = new("--token")
        {
            Description = "the join token from 'hacluster-controller token create' (single use; it pins the controller's CA)",
            HelpName = "TOKEN",
            Required = true,
        };

        public static readonly Option<string?> EnrollNode = new("--node")
        {
            Description = "this node's name (default: the host name); must be the token's",
            HelpName = "NAME",
            CustomParser = ParseNode,
        };

        public static readonly Option<string> EnrollStateDir = StateDirOption("where the identity is stored (0700; the key never leaves it)");

        public static readonly Option<bool> Json = new("--json") { Description = "status as JSON" };

        public static readonly Command Status = new("status", "show the running agent's instances (state, priority, master, last transition)") { Json, StatusMetrics };

        public static readonly Command Enroll = CreateEnroll();

        public static readonly RootCommand Root = CreateRoot();

        private static RootCommand CreateRoot()
        {
            var root = new RootCommand("hacluster-agent: VRRP (keepalived-compatible) in unicast mode. Signals: SIGTERM releases (priority 0, VIPs removed) and exits; SIGHUP reloads the configuration.")
            {
                Config, Check, Metrics, Controllers, Node, StateDir, Ca, Cert, Key, Status, Enroll,
            };
            root.Options.OfType<VersionOption>().Single().Aliases.Add("-v");
            root.Validators.Add(result =>
            {
                var given = new[] { Ca, Cert, Key }.Count(o => result.GetResult(o) is not null);
                if (given is not (0 or 3))
                {
                    result.AddError("--ca, --cert and --key go together (the site's PKI), or none of them (the identity enrolled in --state-dir)");
                }
                else if (given == 3 && result.GetResult(Controllers) is null)
                {
                    result.AddError("--ca, --cert and --key are for managed mode: give --controller too");
                }
            });
            // The actions are run by Program; this one only marks "run the agent" apart from help and version.
            root.SetAction(_ => 0);
            Status.SetAction(_ => 0);
            return root;
        }

        private static Command CreateEnroll()
        {
            var enroll = new Command("enroll", "redeem a join token for this node's certificate: the key is made here and never leaves the host") { EnrollController, Token, EnrollNode, EnrollStateDir };
            Token.Validators.Add(result =>
            {
                if (!JoinToken.TryParse(result.GetValueOrDefault<string>(), out _))
                {
                    result.AddError("--token: not a join token (hc1.ID.SECRET.CAHASH, as printed by 'hacluster-controller token create')");
                }
            });
            EnrollController.Validators.Add(result =>
            {
                if (result.Tokens.Count > 1)
                {
                    result.AddError("--controller: enroll with one controller");
                }
            });
            enroll.SetAction(_ => 0);
            return enroll;
        }

        private static Option<string> StateDirOption(string description) => new("--state-dir")
        {
            Description = description,
            HelpName = "DIR",
            DefaultValueFactory = _ => DefaultStateDir,
        };

        private static Option<string?> FileOption(string name, string description) => new(name) { Description = description, HelpName = "FILE" };

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
                if (!ControllerAddress.TryParse(token.Value, out var uri, out var problem))
                {
                    result.AddError($"--controller: {problem}");
                    return [];
                }

                controllers.Add(uri);
            }

            return [.. controllers];
        }

        private static string? ParseNode(ArgumentResult result)
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (NodeName.IsValid(value))
            {
                return value;
            }

            result.AddError($"--node: '{value}' is not a node name ({NodeName.Rule})");
            return null;
        }
    }
}
