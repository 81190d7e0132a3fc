#include "apps/app.h"
#include "kernel/cmdline.h"
#include "kernel/cpu.h"
#include "kernel/printk.h"
#include "kernel/sched.h"

static const struct app *const apps[] = { NULL, &app_l2reflect, &app_l2blast, &app_l2sink,
					   &app_tsoblast, &app_send };
static const char *const app_names[] = { "none", "l2reflect", "l2blast", "l2sink", "tsoblast",
					 "send" };
static int app_choice;
KPARAM_ENUM("app", app_choice, app_names, "application to run");

const struct app *app_selected(void)
{
	return apps[app_choice];
}

static const struct app *running_app;

static void app_thread(void *dev)
{
	running_app->run(dev);
}

void app_start(const struct app *app, struct net_device *dev)
{
	running_app = app;
	if (!thread_create("app", app_thread, dev, CPU_USER))
		pr_err("app: cannot start %s\n", app->name);
}
