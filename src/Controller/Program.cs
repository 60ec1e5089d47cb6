using HaCluster.Controller.Extensions;
using HaCluster.Shared.Hosting;

return await ControllerCommandLine.InvokeAsync(args, async (hostArgs, migrateOnly) =>
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = ContentRoot.Default(hostArgs) });
    builder.AddApplicationServices();

    await using var app = builder.Build();
    UnixSockets.RemoveStale(app.Configuration, app.Logger);
    await app.MigrateDatabaseAsync();
    if (migrateOnly)
    {
        return 0;
    }

    app.MapApplicationEndpoints();
    return await ListenerStart.RunAsync("hacluster-controller", () => app.StartAsync(), () => app.WaitForShutdownAsync());
});
