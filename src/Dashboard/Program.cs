// The dashboard is filled in by the dashboard issue; today it is a bare host with liveness only.
var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any() is false)
{
    builder.WebHost.UseUrls("http://127.0.0.1:5090");
}

var app = builder.Build();
app.MapGet("/healthz", () => Results.Text("healthy"));
app.Run();
