using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Postgres;

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
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                GroupName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                StartedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                Ok = table.Column<bool>(type: "boolean", nullable: false),
                Detail = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                StepsJson = table.Column<string>(type: "text", nullable: false)
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
