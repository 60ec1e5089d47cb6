using HaCluster.Dashboard.Extensions;
using HaCluster.Shared.Hosting;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot.Default(args) });
// Static web assets (MudBlazor's css/js) from the build output too, not only in Development or after publish.
builder.WebHost.UseStaticWebAssets();
builder.AddDashboardServices();

await using var app = builder.Build();
if (StartupOptions.Problem(app.Services) is { } problem)
{
    await Console.Error.WriteLineAsync($"hacluster-dashboard: not started: {problem}");
    return 1;
}

app.MapDashboard();
return await ListenerStart.RunAsync("hacluster-dashboard", () => app.StartAsync(), () => app.WaitForShutdownAsync());
