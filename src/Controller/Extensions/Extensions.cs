using System.Text.Json.Serialization;
using HaCluster.Controller.Agents;
using HaCluster.Controller.Alerts;
using HaCluster.Controller.Api;
using HaCluster.Controller.Data;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Events;
using HaCluster.Controller.Fleet;
using HaCluster.Controller.Groups;
using HaCluster.Controller.Pki;
using HaCluster.Controller.Security;
using HaCluster.Shared.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HaCluster.Controller.Extensions;

/// <summary>The composition root: every service, option and endpoint of the controller, in one place.</summary>
public static class Extensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Type=notify under systemd (deploy/systemd/hacluster-controller.service); nothing changes elsewhere.
        services.AddSystemd();
        services.AddProblemDetails();
        services.AddOpenApi(o => o.AddSchemaTransformer(VocabularyJson.Describe));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, GroupJsonContext.Default);
            VocabularyJson.AddTo(o.SerializerOptions);
            // Bodies are read strictly by GroupJsonContext; keep the OpenAPI schema to the same numbers-only rule.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = 4 * 1024 * 1024;
            o.Interceptors.Add<Infrastructure.BoundedStatus>();
        });
        // Every service bound by StrictMessages instead of Grpc.AspNetCore's own binder: a request that does not parse is INVALID_ARGUMENT.
        services.RemoveAll(typeof(Grpc.AspNetCore.Server.Model.IServiceMethodProvider<>));
        services.AddSingleton(typeof(Grpc.AspNetCore.Server.Model.IServiceMethodProvider<>), typeof(Infrastructure.StrictMessages<>));
        services.AddSingleton(TimeProvider.System);
        services.AddStorage(builder.Configuration);
        services.AddOptionsWithValidateOnStart<TlsOptions>().BindConfiguration("Tls");
        services.AddSingleton<IValidateOptions<TlsOptions>, TlsOptionsValidator>();
        services.AddSingleton<ControllerPki>();
        services.AddSingleton<ServerCertificate>();
        services.AddSingleton<CredentialRepository>();
        services.AddSingleton<AuditRepository>();
        services.AddSingleton<Credentials>();
        services.AddSingleton<Revocations>();
        services.AddHostedService(sp => sp.GetRequiredService<Revocations>());
        services.AddControllerAuthentication();
        services.AddControllerRateLimits();
        services.AddSingleton<StreamQuota>();
        services.AddWebHardening(builder.Configuration);
        services.AddControllerAuthorization();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, Refusals>();
        services.AddHealthChecks().AddDbContextCheck<HaClusterContext>("database", tags: ["ready"]);
        services.AddOptionsWithValidateOnStart<FleetOptions>().BindConfiguration("Fleet");
        services.AddSingleton<IValidateOptions<FleetOptions>, FleetOptionsValidator>();
        services.AddOptionsWithValidateOnStart<AlertOptions>().BindConfiguration("Alerts");
        services.AddSingleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>();

        services.AddSingleton<DesiredState>();
        services.AddSingleton<GroupService>();
        services.AddSingleton<FleetState>();
        services.AddSingleton<IStoredEventsObserver>(sp => sp.GetRequiredService<FleetState>());
        services.AddSingleton<FleetLoader>();
        services.AddSingleton<FleetBus>();
        services.AddSingleton<AgentSessions>();
        services.AddControllerMetrics();
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<EventIngest>();
        services.AddSingleton<IEventRecorder>(sp => sp.GetRequiredService<EventIngest>());
        services.AddHostedService(sp => sp.GetRequiredService<EventIngest>());
        services.AddHostedService<ConfigPusher>();
        services.AddSingleton<EventRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<EventRetention>());
        services.AddHostedService<FleetMonitor>();
        services.AddOptions<KeyOptions>().BindConfiguration("Keys");
        services.AddOptions<OperationsOptions>().BindConfiguration("Operations");
        services.AddSingleton<MaintenanceRepository>();
        services.AddSingleton<ConfirmRepository>();
        services.AddSingleton<DrillRepository>();
        services.AddHostedService<ConfirmOrRevert>();
        services.AddSingleton<PlannedWork>();
        services.AddHostedService(sp => sp.GetRequiredService<PlannedWork>());
        services.AddSingleton<KeyRollout>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyRollout>());
        services.AddSingleton<TransitionInsight>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AlertOptions>>().Value is var alerts ? new FlappingRule(alerts.FlappingTransitions, alerts.FlappingWindow) : null!);
        services.AddSingleton<FlapAnalytics>();
        services.AddSingleton<GroupMetrics>();
        services.AddSingleton<IStoredEventsObserver>(sp => sp.GetRequiredService<GroupMetrics>());
        services.AddSingleton<AlertMetrics>();
        services.AddSingleton<AlertRepository>();
        services.AddSingleton<AlertChannels>();
        services.AddSingleton<AlertOutbox>();
        services.AddSingleton<IEventOutbox>(sp => sp.GetRequiredService<AlertOutbox>());
        services.AddSingleton<IAlertSender, SmtpSender>();
        services.AddSingleton<IAlertSender, WebhookSender>();
        services.AddHttpClient(WebhookSender.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .RemoveAllLoggers();
        services.AddHostedService<AlertDispatcher>();
        return builder;
    }

    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.UseWebHardening();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter(); // after authentication (limits are per caller), before authorization (refusals are limited too)
        app.UseAuthorization();
        app.MapOpenApi().RequireAuthorization(Policies.Read);
        // Liveness: the process answers. Readiness: and its database does. Open to anyone (load balancers, systemd).
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous().DisableRateLimiting();
        app.MapGroupsApi();
        app.MapFleetApi();
        app.MapOperationsApi();
        app.MapCredentialsApi();
        app.MapAccessApi();
        app.MapAlertsApi();
        app.MapGrpcService<AgentLinkService>();
        app.MapGrpcService<AdminService>();
        app.MapGrpcService<EnrollmentService>();
        app.MapControllerMetrics();
        return app;
    }

    /// <summary>
    /// Null when the configuration is valid and the CA usable (made on first start); else every problem, for one
    /// "not started" message: the options' validators run here, before anything touches the database.
    /// </summary>
    public static string? StartupProblem(this WebApplication app)
    {
        if (StartupOptions.Problem(app.Services) is { } problem)
        {
            return problem;
        }

        try
        {
            _ = app.Services.GetRequiredService<ControllerPki>();
            _ = app.Services.GetRequiredService<SessionTokens>();
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    /// <summary>Runs a task other than serving (migrations are applied first); its exit code.</summary>
    public static async Task<int> RunTaskAsync(this WebApplication app, ControllerTask task)
    {
        var credentials = app.Services.GetRequiredService<Credentials>();
        return task switch
        {
            ControllerTask.CreateToken t => await CredentialCommands.CreateTokenAsync(credentials, t.Node, t.Ttl, Console.Out, Console.Error),
            ControllerTask.RevokeNode r => await CredentialCommands.RevokeNodeAsync(credentials, r.Node, Console.Out, Console.Error),
            ControllerTask.CreateApiKey k => await AccessCommands.CreateApiKeyAsync(app.Services.GetRequiredService<ApiKeys>(), k.Name, k.Role, Console.Out, Console.Error),
            ControllerTask.CreateCertificate c => await CredentialCommands.CreateCertificateAsync(
                credentials, app.Services.GetRequiredService<ControllerPki>(), c.Name, c.Role, c.Ttl, c.OutDir, Console.Out, Console.Error),
            _ => 0,
        };
    }

    /// <summary>Applies the provider's migrations, then loads the desired state and what the history knows of the fleet.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<HaClusterContext>>().CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            if (db.Database.IsSqlite())
            {
                // Readers (the APIs) no longer wait for the ingest's writes, and the ingest not for them.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            }
        }

        await app.Services.GetRequiredService<FleetLoader>().LoadAsync(CancellationToken.None);
    }

    /// <summary>Once serving: the first admin, on a first start. Stderr, not the log: the password file is for whoever started the controller.</summary>
    public static Task BootstrapAdminAsync(this WebApplication app) =>
        AccessCommands.BootstrapAdminAsync(app.Services.GetRequiredService<Users>(), app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.DataDir, Console.Error);
}
