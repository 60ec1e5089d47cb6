using HaCluster.Contracts;
using HaCluster.Dashboard.Access;
using HaCluster.Dashboard.Components;
using HaCluster.Dashboard.Services;
using HaCluster.Shared.Tls;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace HaCluster.Dashboard.Extensions;

public static class DashboardExtensions
{
    public static WebApplicationBuilder AddDashboardServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSystemd();
        services.AddProblemDetails();
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = RequestBodies.BodyLimit);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddOptionsWithValidateOnStart<DashboardOptions>().BindConfiguration("Controller");
        services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        services.AddDashboardAuthentication(builder.Configuration);
        services.AddHttpContextAccessor();

        // The dashboard's only way to the fleet: the controller's public API (never its database), over TLS to its CA,
        // with no credential of its own: each call carries the signed-in person's token (ControllerCaller).
        services.AddSingleton(sp => ControllerTls.Trusting(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            File.ReadAllText(sp.GetRequiredService<IOptions<DashboardOptions>>().Value.CaPath))));
        services.AddSingleton(sp => ControllerAddress.OpenChannel(sp.GetRequiredService<IOptions<DashboardOptions>>().Value.Controller, sp.GetRequiredService<ControllerTls>()));
        services.AddSingleton(sp => new ControllerApi(ControllerAddress.OpenHttpClient(sp.GetRequiredService<IOptions<DashboardOptions>>().Value.Controller, sp.GetRequiredService<ControllerTls>())));
        services.AddSingleton(sp => new FleetFeeds(new Admin.AdminClient(sp.GetRequiredService<Grpc.Net.Client.GrpcChannel>()), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddScoped<ControllerCaller>();
        services.AddScoped(sp => ControllerCaller.AdminClient(sp.GetRequiredService<Grpc.Net.Client.GrpcChannel>(), sp.GetRequiredService<ControllerCaller>()));
        services.AddScoped<FeedLease>();
        services.AddScoped(sp => sp.GetRequiredService<FeedLease>().Feed);
        services.AddSingleton(TimeProvider.System);
        services.AddHealthChecks().AddCheck<ControllerReadyCheck>("controller", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        // A refusal with no body of its own (routing's 405/415, the rate limiter's 429) says why as problem details.
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseRequestBodies();
        app.UseAntiforgery();
        // The sign-in page's styles and scripts are needed before anyone has signed in.
        app.MapStaticAssets().AllowAnonymous();
        // Liveness: the process answers. Readiness: and the controller answers.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapSignInEndpoints();
        app.MapConfigDownload();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
