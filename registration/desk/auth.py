from django.contrib.auth import views as auth_views


class DeskLoginView(auth_views.LoginView):
    template_name = "desk/login.html"


class DeskLogoutView(auth_views.LogoutView):
    pass
