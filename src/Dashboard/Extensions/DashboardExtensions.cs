using Grpc.Net.Client;
using HaCluster.Contracts;
using HaCluster.Dashboard.Components;
using HaCluster.Dashboard.Services;
using MudBlazor.Services;

namespace HaCluster.Dashboard.Extensions;

public static class DashboardExtensions
{
    public static WebApplicationBuilder AddDashboardServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSystemd();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        var address = builder.Configuration["Controller:Address"] ?? "http://127.0.0.1:5081";
        if (!ControllerAddress.TryParse(address, out var controller))
        {
            throw new InvalidOperationException($"Controller:Address '{address}' is not http://HOST:PORT, https://HOST:PORT or unix:/PATH");
        }

        // The dashboard's only way to the fleet: the controller's public gRPC admin API (never its database).
        services.AddSingleton(_ => ControllerAddress.OpenChannel(controller));
        services.AddSingleton(sp => new Admin.AdminClient(sp.GetRequiredService<GrpcChannel>()));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<FleetFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<FleetFeed>());
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapGet("/healthz", () => TypedResults.Text("healthy"));
        app.MapConfigDownload();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
