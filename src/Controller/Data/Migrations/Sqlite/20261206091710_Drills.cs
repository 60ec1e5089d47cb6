using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Sqlite;

/// <inheritdoc />
public partial class Drills : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "drills",
            columns: table => new
            {
                Id = table.Column<long>(type: "INTEGER", nullable: false)
                    .Annotation("Sqlite:Autoincrement", true),
                GroupName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                FinishedAt = table.Column<long>(type: "INTEGER", nullable: false),
                StartedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                Ok = table.Column<bool>(type: "INTEGER", nullable: false),
                Detail = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                StepsJson = table.Column<string>(type: "TEXT", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_drills", x => x.Id);
            });

        migrationBuilder.CreateIndex(
            name: "IX_drills_GroupName_StartedAt",
            table: "drills",
            columns: new[] { "GroupName", "StartedAt" });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "drills");
    }
}
