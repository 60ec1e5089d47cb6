using HaCluster.Agent.Hosting;
using HaCluster.Shared.Config;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var command = AgentCommandLine.Parse(args);
if (command.Error is not null || command.ShowHelp || command.ShowVersion)
{
    var text = command.ShowVersion ? $"hacluster-agent {typeof(AgentService).Assembly.GetName().Version}" : AgentCommandLine.Usage;
    (command.Error is null ? Console.Out : Console.Error).WriteLine(command.Error is null ? text : $"hacluster-agent: {command.Error}\n{text}");
    return command.Error is null ? 0 : 2;
}

if (command.Status)
{
    return await StatusCommand.RunAsync(command.MetricsEndpoint ?? AgentOptions.DefaultMetricsEndpoint, command.Json);
}

var loaded = KeepalivedConfigLoader.Load(command.ConfigPath);
foreach (var diagnostic in loaded.Diagnostics)
{
    Console.Error.WriteLine(diagnostic);
}

if (loaded.HasErrors)
{
    Console.Error.WriteLine($"hacluster-agent: {command.ConfigPath}: {loaded.Errors.Count()} error(s), not started");
    return 1;
}

if (command.CheckOnly)
{
    Console.WriteLine($"{command.ConfigPath}: configuration OK ({loaded.Config.Instances.Length} instance(s))");
    return 0;
}

if (Capabilities.Missing() is { } missing)
{
    Console.Error.WriteLine($"hacluster-agent: not started: {missing}");
    return 1;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders().AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
    o.UseUtcTimestamp = true;
});
builder.Services.AddSystemd();
builder.Services.AddSingleton(new AgentOptions(command.ConfigPath, command.MetricsEndpoint));
builder.Services.AddSingleton(loaded.Config);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<AgentService>();
await builder.Build().RunAsync();
return 0;
