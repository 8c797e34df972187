app_name = "accessrequests-api"

urlpatterns = []
