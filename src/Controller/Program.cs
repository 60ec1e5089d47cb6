using HaCluster.Controller.Extensions;

// "hacluster-controller migrate" applies the migrations and exits; with no command it serves.
var migrateOnly = args is ["migrate", ..];
var builder = WebApplication.CreateBuilder(ControllerHost.Options(migrateOnly ? args[1..] : args));
builder.AddApplicationServices();

var app = builder.Build();
UnixSockets.RemoveStale(app.Configuration, app.Logger);
await app.MigrateDatabaseAsync();
if (migrateOnly)
{
    return 0;
}

app.MapApplicationEndpoints();
await app.RunAsync();
return 0;
