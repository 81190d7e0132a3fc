#include "apps/app.h"
#include "kernel/cmdline.h"

static const struct app *const apps[] = { NULL, &app_l2reflect, &app_l2blast };
static const char *const app_names[] = { "none", "l2reflect", "l2blast" };
static int app_choice;
KPARAM_ENUM("app", app_choice, app_names, "application to run");

const struct app *app_selected(void)
{
	return apps[app_choice];
}
