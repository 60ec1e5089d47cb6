using System.CommandLine;
using System.CommandLine.Parsing;
using HaCluster.Controller.Infrastructure;
using HaCluster.Shared.Vocabulary;

namespace HaCluster.Controller.Extensions;

/// <summary>What hacluster-controller was asked to do.</summary>
public abstract record ControllerTask
{
    private ControllerTask()
    {
    }

    /// <summary>Serve the APIs and the agents' link (the default).</summary>
    public sealed record Serve : ControllerTask;

    /// <summary>Apply the database migrations and exit.</summary>
    public sealed record Migrate : ControllerTask;

    /// <summary>Print a join token for a node.</summary>
    public sealed record CreateToken(string Node, TimeSpan? Ttl) : ControllerTask;

    /// <summary>Revoke every certificate of a node.</summary>
    public sealed record RevokeNode(string Node) : ControllerTask;

    /// <summary>Write a key and certificate for a person or a tool.</summary>
    public sealed record CreateCertificate(string Name, Role Role, TimeSpan? Ttl, string OutDir) : ControllerTask;

    /// <summary><c>apikey create --name NAME --role ROLE</c>.</summary>
    public sealed record CreateApiKey(string Name, Role Role) : ControllerTask;
}

/// <summary>
/// hacluster-controller's command line (System.CommandLine): serving is the default; <c>migrate</c> applies the
/// database migrations and exits; <c>token create</c>, <c>node revoke</c> and <c>cert create</c> manage credentials on
/// the controller's own data (the same configuration as the server: run them next to it). Anything else — <c>--urls</c>,
/// <c>--Storage:DataDir=DIR</c>, any configuration key — goes to the host's configuration, as ASP.NET Core reads its
/// arguments. Help and version exit 0; a usage error names the option and exits 1.
/// </summary>
public static class ControllerCommandLine
{
    /// <param name="run">Runs the task with the host's arguments.</param>
    public static Task<int> InvokeAsync(string[] args, Func<string[], ControllerTask, Task<int>> run)
    {
        var root = new RootCommand("hacluster-controller: the HaCluster control plane (REST and gRPC APIs, the agents' link, history, alerts).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((result, _) => run([.. result.UnmatchedTokens], new ControllerTask.Serve()));
        root.Subcommands.Add(Leaf("migrate", "apply the database migrations (PostgreSQL or the SQLite file) and exit", [], _ => new ControllerTask.Migrate(), run));

        var node = new Option<string>("--node") { Description = "the node the token enrolls (its agent's --node, or its host name)", HelpName = "NAME", Required = true };
        node.Validators.Add(r => Name(r, "--node"));
        var ttl = DurationOption("--ttl", "how long the token may be used (default 1h, at most 7d)");
        root.Subcommands.Add(new Command("token", "join tokens for agents")
        {
            Leaf("create", "print a single-use join token for a node (stdout: the token alone)", [node, ttl],
                r => new ControllerTask.CreateToken(r.GetValue(node)!, Duration(r, ttl)), run),
        });

        var name = new Argument<string>("NAME") { Description = "the node whose certificates are revoked" };
        name.Validators.Add(r => Name(r, "NAME"));
        root.Subcommands.Add(new Command("node", "nodes")
        {
            Leaf("revoke", "revoke a node's certificates: its stream is cut, and it must enroll again with a new token", [name],
                r => new ControllerTask.RevokeNode(r.GetValue(name)!), run),
        });

        var person = new Option<string>("--name") { Description = "who the certificate is for (its CN)", HelpName = "NAME", Required = true };
        person.Validators.Add(r => Name(r, "--name"));
        var role = PersonRole("viewer, operator or admin (its OU)", " (agents enroll with a token)");
        var certTtl = DurationOption("--ttl", "how long the certificate lasts (default Tls:PersonCertificateLifetime, 365d)");
        var output = new Option<string>("--out") { Description = "directory for NAME.crt, NAME.key (0600) and ca.crt", HelpName = "DIR", DefaultValueFactory = _ => "." };
        root.Subcommands.Add(new Command("cert", "certificates for people and tools")
        {
            Leaf("create", "make a key and a certificate from this controller's CA for a person or a tool", [person, role, certTtl, output],
                r => new ControllerTask.CreateCertificate(r.GetValue(person)!, Names.TryParse(r.GetValue(role), out Role parsed) ? parsed : Role.Unspecified, Duration(r, certTtl), r.GetValue(output)!), run),
        });
        var keyName = new Option<string>("--name") { Description = "what the key is for (shown in the audit)", HelpName = "NAME", Required = true };
        keyName.Validators.Add(r => Name(r, "--name"));
        var keyRole = PersonRole("viewer, operator or admin", "");
        root.Subcommands.Add(new Command("apikey", "API keys for automation")
        {
            Leaf("create", "make an API key (printed once; sent as 'Authorization: Bearer KEY')", [keyName, keyRole],
                r => new ControllerTask.CreateApiKey(r.GetValue(keyName)!, Names.TryParse(r.GetValue(keyRole), out Role parsed) ? parsed : Role.Unspecified), run),
        });
        return root.Parse(args).InvokeAsync();
    }

    /// <summary><c>--role ROLE</c> for a person or a tool: viewer, operator or admin, never agent.</summary>
    private static Option<string> PersonRole(string description, string hint)
    {
        var role = new Option<string>("--role") { Description = description, HelpName = "ROLE", Required = true };
        role.Validators.Add(r =>
        {
            if (!Names.TryParse(r.GetValueOrDefault<string>(), out Role parsed) || !parsed.IsPersonRole())
            {
                r.AddError($"--role: '{r.GetValueOrDefault<string>()}' is not viewer, operator or admin{hint}");
            }
        });
        return role;
    }

    private static Command Leaf(string name, string description, Symbol[] symbols, Func<ParseResult, ControllerTask> task, Func<string[], ControllerTask, Task<int>> run)
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option option:
                    command.Options.Add(option);
                    break;
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
            }
        }

        command.SetAction((result, _) => run([.. result.UnmatchedTokens], task(result)));
        return command;
    }

    private static Option<string> DurationOption(string name, string description)
    {
        var option = new Option<string>(name) { Description = description, HelpName = "DURATION" };
        option.Validators.Add(r =>
        {
            if (!Durations.TryParse(r.GetValueOrDefault<string>(), out _))
            {
                r.AddError($"{name}: '{r.GetValueOrDefault<string>()}' is not a duration (90s, 30m, 1h, 7d)");
            }
        });
        return option;
    }

    private static TimeSpan? Duration(ParseResult result, Option<string> option) =>
        Durations.TryParse(result.GetValue(option), out var value) ? value : null;

    private static void Name(SymbolResult result, string what)
    {
        var value = result switch
        {
            OptionResult o => o.GetValueOrDefault<string>(),
            ArgumentResult a => a.GetValueOrDefault<string>(),
            _ => null,
        };
        if (!NodeName.IsValid(value))
        {
            result.AddError($"{what}: '{value}' is not a name ({NodeName.Rule})");
        }
    }
}
