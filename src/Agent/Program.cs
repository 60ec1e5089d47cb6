using HaCluster.Agent.Control;
using HaCluster.Agent.Hosting;
using HaCluster.Agent.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var command = AgentCommandLine.Parse(args);
if (command.Error is not null || command.Verb == AgentVerb.Info)
{
    return AgentCommandLine.Inform(args, command);
}

if (command.Verb == AgentVerb.Status)
{
    return await StatusCommand.RunAsync(command.MetricsEndpoint ?? AgentOptions.DefaultMetricsEndpoint, command.Json);
}

if (command.Verb == AgentVerb.Enroll)
{
    using var interrupted = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => (e.Cancel, _) = (true, interrupted.CancelAsync());
    return await Enrollment.RunAsync(command.Controllers[0], command.Token!, command.Node ?? Environment.MachineName, command.StateDir, Console.Out, Console.Error, interrupted.Token);
}

var startup = StartupConfig.Load(command, Console.Error);
if (startup is null)
{
    return 1;
}

if (command.CheckOnly)
{
    Console.WriteLine($"{command.ConfigPath}: configuration OK ({startup.Config.Instances.Length} instance(s))");
    using var network = new HaCluster.Agent.Net.RtNetlink();
    foreach (var line in CheckReport.Lines(startup.Config, network))
    {
        Console.WriteLine(line);
    }

    return 0;
}

AgentIdentity? identity = null;
if (command.Managed)
{
    identity = command.SiteIdentity is var (ca, certificate, key)
        ? AgentIdentity.FromFiles(ca, certificate, key, command.Node, out var problem)
        : AgentIdentity.FromStateDirectory(command.StateDir, command.Node, out problem);
    if (identity is null)
    {
        Console.Error.WriteLine($"hacluster-agent: not started: {problem}");
        return 1;
    }
}

if (Capabilities.Missing() is { } missing)
{
    Console.Error.WriteLine($"hacluster-agent: not started: {missing}");
    return 1;
}

// No appsettings, environment or command-line configuration sources and no default log providers: the agent's whole
// configuration is keepalived.conf and its command line, and each default costs startup work and resident memory.
var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders().AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
    o.UseUtcTimestamp = true;
});
var services = builder.Services;
services.AddSystemd();
services.AddSingleton(new AgentOptions(command.MetricsEndpoint));
services.AddSingleton(startup.Sources);
services.AddSingleton(startup.Config);
services.AddSingleton(TimeProvider.System);
// The one place the real OS edges are chosen.
services.AddSingleton<Func<AgentEdges>>(sp => () => AgentEdges.System(sp.GetRequiredService<ILoggerFactory>()));
services.AddSingleton<AgentService>();
services.AddSingleton<IAgentRuntime>(sp => sp.GetRequiredService<AgentService>());
if (command.Managed)
{
    // Before the agent, so it stops after it (hosted services stop in reverse order): the release is still reported.
    services.AddSingleton(new ControllerLinkOptions(command.Controllers, identity!));
    services.AddSingleton(sp => new EventJournal(Path.Combine(command.StateDir, "journal"), sp.GetRequiredService<ILoggerFactory>().CreateLogger("HaCluster.Agent.Journal")));
    services.AddSingleton<ControllerLink>();
    services.AddHostedService(sp => sp.GetRequiredService<ControllerLink>());
}

services.AddHostedService(sp => sp.GetRequiredService<AgentService>());

using var host = builder.Build();
if (command.Managed)
{
    host.Services.GetRequiredService<AgentService>().ExtraMetrics = host.Services.GetRequiredService<ControllerLink>().Metrics;
    host.Services.GetRequiredService<AgentService>().ReloadRefused = host.Services.GetRequiredService<ControllerLink>().ReportLocalRefusal;
}

await host.RunAsync();
return 0;
