using HaCluster.Controller.Extensions;
using HaCluster.Shared.Hosting;

// "hacluster-controller migrate" applies the migrations and exits; with no command it serves.
var migrateOnly = args is ["migrate", ..];
var hostArgs = migrateOnly ? args[1..] : args;
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
