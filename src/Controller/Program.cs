using HaCluster.Controller.Extensions;
using HaCluster.Shared.Hosting;

return await ControllerCommandLine.InvokeAsync(args, async (hostArgs, task) =>
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = ContentRoot.Default(hostArgs) });
    builder.AddApplicationServices();
    if (task is not ControllerTask.Serve)
    {
        // A command's stdout is its answer (a token, for scripts); the host's own lines go to stderr, and only problems.
        builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:Default", "Warning")]);
        builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    await using var app = builder.Build();
    if (app.StartupProblem() is { } problem)
    {
        await Console.Error.WriteLineAsync($"hacluster-controller: not started: {problem}");
        return 1;
    }

    if (task is ControllerTask.Serve)
    {
        UnixSockets.RemoveStale(app.Configuration, app.Logger);
    }

    await app.MigrateDatabaseAsync();
    if (task is not ControllerTask.Serve)
    {
        return await app.RunTaskAsync(task);
    }

    app.MapApplicationEndpoints();
    return await ListenerStart.RunAsync("hacluster-controller", async () =>
    {
        await app.StartAsync();
        await app.BootstrapAdminAsync();
    }, () => app.WaitForShutdownAsync());
});
